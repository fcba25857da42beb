require "http/server"
require "http/client"
require "json"
require "./request"
require "./response"
require "./drain"
require "./log_handler"
require "./header_key"

module Faaso
  # The most a request body may hold, as in the python and node runtimes: a
  # larger one is answered 413 without being read into memory.
  MAX_BODY = 16 * 1024 * 1024
  # A body over MAX_BODY is still read to its end and dropped, up to this size,
  # before the 413: closing a connection with unread bytes makes the kernel
  # reset it, and a client still sending may lose the answer with it. A larger
  # body is answered at once and the connection closed.
  DISCARD_MAX = 4 * MAX_BODY

  def self.port : Int32
    ENV["PORT"]?.try(&.to_i?) || 3000
  end

  def self.main(argv = ARGV) : Nil
    exit(healthy?(port) ? 0 : 1) if argv.includes?("--healthcheck")
    serve(port)
  end

  # `--healthcheck`: GET /ping with a hard 2 s deadline for the whole exchange
  # (connect + read), so Docker's own 3 s timeout never has to kill us.
  def self.healthy?(port : Int32) : Bool
    result = Channel(Bool).new(1)
    spawn do
      ok = begin
        HTTP::Client.new("127.0.0.1", port) do |client|
          client.connect_timeout = 2.seconds
          client.read_timeout = 2.seconds
          client.get("/ping").status_code == 200
        end
      rescue
        false
      end
      result.send(ok)
    end
    select
    when ok = result.receive
      ok
    when timeout(2.seconds)
      false
    end
  end

  def self.serve(port : Int32) : Nil
    limit = Drain.limit
    server = HTTP::Server.new { |ctx| handle_context(ctx) }
    # Under `docker run` we are PID 1, which gets no default signal actions:
    # without explicit traps `docker stop` would wait 10 s and SIGKILL us.
    # SIGTERM and SIGINT start a drain (see drain.cr).
    {Signal::TERM, Signal::INT}.each do |sig|
      sig.trap { Drain.start(server, sig, limit) }
    end
    address = server.bind_tcp("0.0.0.0", port)
    STDOUT.puts "faaso: crystal function listening on http://#{address}"
    STDOUT.flush
    # listen returns once a drain has closed the server (which may even have
    # happened already, while the line above was written); the drain exits the
    # process when it is done.
    server.listen unless server.closed?
    sleep
  end

  def self.handle_context(ctx : HTTP::Server::Context) : Nil
    http = ctx.request
    head = http.method == "HEAD"
    if (http.method == "GET" || head) && ping?(http)
      # Even while draining: the request reached a server that still answers,
      # and a client calling /ping through a proxy must not see a failure.
      return pong(ctx.response, head)
    end
    body = read_body(http)
    unless body
      # The rest of the body is never read: the connection cannot carry another request.
      ctx.response.headers["Connection"] = "close"
      return write(ctx.response, error_response(413, "request body larger than #{MAX_BODY} bytes"), head)
    end
    response = begin
      to_response(handle(Request.from(http, body)))
    rescue ex : HttpError
      error_response(ex.status, ex.message)
    rescue ex
      STDERR.puts "faaso: handler failed on #{http.method} #{http.path}: #{ex.inspect_with_backtrace}"
      STDERR.flush
      error_response(500, ex.message || ex.class.name)
    end
    write(ctx.response, response, head)
  end

  # `resource` is the request target as sent: comparing it first answers the
  # usual /ping without parsing a URI.
  def self.ping?(http : HTTP::Request) : Bool
    http.resource == "/ping" || http.path == "/ping"
  end

  # /ping's answer, written straight to the response: every health check of
  # Docker, the proxy and `watch` comes here, so it builds no Response.
  def self.pong(res : HTTP::Server::Response, head : Bool) : Nil
    res.content_type = TEXT
    send_body(res, "pong", head)
  end

  # The request body, or nil when it is larger than MAX_BODY: never kept, read
  # and dropped up to DISCARD_MAX (a declared length past that is not read at all).
  def self.read_body(http : HTTP::Request) : String?
    return nil if (http.content_length || 0) > DISCARD_MAX
    io = http.body
    return "" unless io
    buffer = IO::Memory.new
    return buffer.to_s if IO.copy(io, buffer, MAX_BODY + 1) <= MAX_BODY
    scratch = Bytes.new(64 * 1024)
    left = DISCARD_MAX - MAX_BODY - 1
    while left > 0
      n = io.read(scratch[0, {scratch.size, left}.min])
      break if n == 0
      left -= n
    end
    nil
  end

  def self.error_response(status : Int32, message : String?) : Response
    Response.json({error: message || "error"}, status: status)
  end

  def self.write(res : HTTP::Server::Response, response : Response, head : Bool) : Nil
    res.status_code = response.status
    response.headers.each { |name, value| res.headers[name] = value }
    send_body(res, response.body, head)
  end

  # What every answer ends with. During a drain every response is its
  # connection's last: the request processor closes the connection after it, and
  # the client knows not to send another request on it. A HEAD request gets the
  # headers a GET would (content-length included) and no body: HTTP::Server
  # writes whatever it is given.
  def self.send_body(res : HTTP::Server::Response, body : String | Bytes, head : Bool) : Nil
    res.headers["Connection"] = "close" if Drain.draining?
    res.content_length = body.bytesize
    return if head
    case body
    in String then res.print(body)
    in Bytes  then res.write(body)
    end
  end
end

# HTTP::Server answers a request it cannot parse (400, 414 request line too
# long, 431 headers too large) and a handler that escapes (500) with plain text:
# JSON here, like every other error.
class HTTP::Server::Response
  def respond_with_status(status : HTTP::Status, message : String? = nil) : Nil
    check_headers
    reset
    @status = status
    @status_message = message ||= @status.description
    self.content_type = "application/json"
    body = {error: message}.to_json
    self.content_length = body.bytesize
    self << body
    close
  end
end
