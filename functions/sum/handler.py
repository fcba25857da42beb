"""Sums numbers: POST {"numbers": [1, 2, 3.5]} or GET /?a=1&b=2 (every query value)."""

import json
import math


def parse_number(text):
    """A query value as int or float; None when it is not a finite number."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_number(value):
    # bool is an int subclass in Python, but true/false are not numbers here.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def bad(message):
    return {"error": message}, 400


def handle(req):
    if req.method == "GET":
        if not req.query_all:
            return bad("give numbers as query parameters, e.g. /?a=1&b=2")
        numbers = []
        for name, values in sorted(req.query_all.items()):
            for text in values:
                value = parse_number(text.strip())
                if value is None:
                    return bad(f"query parameter {name} is not a number: {json.dumps(text)}")
                numbers.append(value)
    elif req.method == "POST":
        payload = req.json()
        numbers = payload.get("numbers") if isinstance(payload, dict) else None
        if not isinstance(numbers, list):
            return bad('expected a JSON object like {"numbers": [1, 2, 3.5]}')
        for i, value in enumerate(numbers):
            if not is_number(value):
                return bad(f"numbers[{i}] is not a number: {json.dumps(value)}")
    else:
        return {"error": f"method {req.method} not allowed, use GET or POST"}, 405, {"allow": "GET, POST"}
    # Integer inputs give an exact integer sum (3, not 3.0); math.fsum keeps
    # float sums correctly rounded (no drift from adding in order).
    if all(isinstance(v, int) for v in numbers):
        return {"sum": sum(numbers)}
    try:
        return {"sum": math.fsum(numbers)}
    except OverflowError:
        return bad("the sum is too large for a floating-point number")
