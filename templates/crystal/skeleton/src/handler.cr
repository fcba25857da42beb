# The {{name}} function: faaso calls `handle` for every request except GET /ping.
#
# req.method ("GET"), req.path ("/"), req.query["x"]? / req.query.fetch("x", "default"),
# req.headers["content-type"]? (lower-case names), req.body (raw text),
# req.json (JSON::Any) or req.json(MyType) — invalid JSON answers 400 by itself.
#
# Return a String (text/plain), nil (204), Bytes (application/octet-stream),
# anything with #to_json such as a Hash or NamedTuple (application/json), or
# Faaso::Response.new(status, body, {"header" => "value"}).
# raise Faaso::HttpError.new(404, "no such thing") answers {"error": "..."} with that status.
def handle(req : Faaso::Request)
  name = req.query.fetch("name", "world")
  {message: "Hello, #{name}, from {{name}}!"}
end
