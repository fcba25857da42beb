require "http/server"
require "http/client"
require "json"
require "./request"
require "./response"
require "./drain"

module Faaso
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
    if http.method == "GET" && http.path == "/ping"
      # Even while draining: the request reached a server that still answers,
      # and a client calling /ping through a proxy must not see a failure.
      return write(ctx.response, Response.new(200, "pong"))
    end
    response = begin
      to_response(handle(Request.from(http)))
    rescue ex : HttpError
      error_response(ex.status, ex.message)
    rescue ex
      STDERR.puts "faaso: handler failed on #{http.method} #{http.path}: #{ex.inspect_with_backtrace}"
      STDERR.flush
      error_response(500, ex.message || ex.class.name)
    end
    write(ctx.response, response)
  end

  def self.error_response(status : Int32, message : String?) : Response
    Response.json({error: message || "error"}, status: status)
  end

  def self.write(res : HTTP::Server::Response, response : Response) : Nil
    res.status_code = response.status
    response.headers.each { |name, value| res.headers[name] = value }
    # During a drain every response is its connection's last: the request
    # processor closes the connection after it, and the client knows not to send
    # another request on it.
    res.headers["Connection"] = "close" if Drain.draining?
    body = response.body
    res.content_length = body.bytesize
    case body
    in String then res.print(body)
    in Bytes  then res.write(body)
    end
  end
end
