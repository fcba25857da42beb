# GET /?name=Ada         → "Hello, Ada!" (text/plain)
# POST {"name": "Bob"}   → {"greeting": "Hello, Bob!"} (JSON)
# The greeting word comes from GREETING (function.yml env).
def greeting : String
  ENV.fetch("GREETING", "Hello")
end

def handle(req : Faaso::Request)
  return "#{greeting}, #{req.query.fetch("name", "world")}!" unless req.method == "POST"

  body = req.json.as_h? || raise Faaso::BadRequest.new(%(expected a JSON object like {"name": "Bob"}))
  name = body["name"]?.try(&.as_s?) || "world"
  {greeting: "#{greeting}, #{name}!"}
end
