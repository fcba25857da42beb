"""The {{name}} function.

handle(req) gets req.method, req.path, req.query (dict, first value per name),
req.query_all (dict of lists), req.headers (lower-case names), req.body (text),
req.raw (bytes) and req.json() (400 answer if the body is not JSON).
Return a dict/list/number/bool (JSON), a str (text/plain), bytes, None (204),
or (body, status) / (body, status, headers).
"""


def handle(req):
    name = req.query.get("name")
    if name is None and req.method == "POST":
        payload = req.json()
        if not isinstance(payload, dict):
            return {"error": "expected a JSON object"}, 400
        name = payload.get("name")
    return {"message": f"hello, {name or 'world'}", "function": "{{name}}"}
