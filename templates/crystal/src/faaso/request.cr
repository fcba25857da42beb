require "http"
require "json"

module Faaso
  # An error the handler (or the scaffold) raises to answer with a given status
  # and a JSON body `{"error": message}` instead of a 500.
  class HttpError < Exception
    getter status : Int32

    def initialize(@status : Int32, message : String)
      super(message)
    end
  end

  # The request body was asked for as JSON but is not valid JSON: a client
  # mistake, so 400 rather than 500.
  class BadRequest < HttpError
    def initialize(message : String)
      super(400, message)
    end
  end

  # What a handler gets: a plain snapshot of the HTTP request.
  class Request
    # Upper-case HTTP method, e.g. "GET".
    getter method : String
    # Path without the query string, e.g. "/users/1".
    getter path : String
    # Query parameters: `query["name"]?`, `query.fetch("name", "world")`, `query.fetch_all("tag")`.
    getter query : HTTP::Params
    # Header names in lower case; repeated headers joined with ", ".
    getter headers : Hash(String, String)
    # Raw body text ("" when there is none).
    getter body : String

    @json : JSON::Any?

    def initialize(@method, @path, @query, @headers, @body)
    end

    # *body* is the request's body, already read (and capped) by the server.
    def self.from(request : HTTP::Request, body : String) : Request
      headers = {} of String => String
      request.headers.each { |name, values| headers[name.downcase] = values.join(", ") }
      new(request.method.upcase, request.path, request.query_params, headers, body)
    end

    # The body parsed as JSON (parsed once); invalid JSON raises BadRequest (→ 400).
    def json : JSON::Any
      @json ||= begin
        JSON.parse(@body)
      rescue ex : JSON::ParseException
        raise BadRequest.new("invalid JSON body: #{ex.message}")
      end
    end

    # The body parsed into a type, e.g. `req.json(Order)` with `Order` including
    # JSON::Serializable; invalid or mismatching JSON raises BadRequest (→ 400).
    def json(type : T.class) : T forall T
      T.from_json(@body)
    rescue ex : JSON::ParseException
      raise BadRequest.new("invalid JSON body: #{ex.message}")
    end
  end
end
