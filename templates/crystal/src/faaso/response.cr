require "json"

module Faaso
  # An explicit response, for when a plain return value is not enough:
  #   Faaso::Response.new(201, "created", {"location" => "/items/7"})
  #   Faaso::Response.json({id: 7}, status: 201)
  class Response
    getter status : Int32
    getter body : String | Bytes
    getter headers : Hash(String, String)

    def initialize(@status : Int32 = 200, @body : String | Bytes = "", headers : Hash(String, String)? = nil)
      @headers = {} of String => String
      headers.try &.each { |k, v| @headers[k.downcase] = v }
      if !@headers.has_key?("content-type") && !@body.empty?
        @headers["content-type"] = @body.is_a?(String) ? TEXT : BINARY
      end
    end

    def self.json(value, status : Int32 = 200, headers : Hash(String, String)? = nil) : Response
      all = {"content-type" => JSON_TYPE}
      headers.try &.each { |k, v| all[k.downcase] = v }
      new(status, value.to_json, all)
    end
  end

  TEXT      = "text/plain; charset=utf-8"
  BINARY    = "application/octet-stream"
  JSON_TYPE = "application/json"

  # What a handler's return value means. A `case` on the type rather than
  # overloads: when `handle` returns a union (say String | Response), Crystal
  # would instantiate an unrestricted overload with the whole union.
  def self.to_response(value) : Response
    case value
    when Response then value
    when String   then Response.new(200, value, {"content-type" => TEXT})
    when Bytes    then Response.new(200, value, {"content-type" => BINARY})
    when Nil      then Response.new(204)
    else
      # Hash, Array, NamedTuple, numbers, Bool, JSON::Any,
      # JSON::Serializable objects...: anything with #to_json.
      Response.json(value)
    end
  end
end
