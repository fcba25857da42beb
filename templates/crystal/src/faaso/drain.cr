require "http/server"

module Faaso
  # Graceful drain on SIGTERM or SIGINT. The proxy finds replicas through Docker's
  # DNS, which drops one only once its container has stopped, and it retries a
  # request elsewhere only when it could not connect. So the listening socket is
  # closed at once (new connections are refused, which the proxy retries),
  # requests in flight and requests on already-open connections are answered
  # with `Connection: close`, idle connections are closed once quiet, and the
  # process exits when none is left, or after FAASO_DRAIN_SECONDS (default 10)
  # at the latest.
  module Drain
    # An idle keep-alive connection is closed only after this long without a
    # request, so a client that just got a response and is about to reuse the
    # connection is not cut off as it sends.
    QUIET           = 500.milliseconds
    # Once drained, the process stays up this long, refusing connections, before
    # it exits: proxies find replicas through DNS, refreshed every 250 ms, and an
    # address that refuses is skipped at once, where one that is gone (the
    # container stopped) would keep a request waiting for its dial timeout.
    LINGER = 300.milliseconds
    DEFAULT_SECONDS = 10

    # An open connection: idle since when, or nil while a request on it is being
    # read or handled.
    class Connection
      property idle_since : Time::Instant? = Time.instant
      property? closing = false
    end

    # Fibers, not threads: no locking needed.
    @@connections = {} of IO => Connection
    @@started : Time::Instant? = nil

    def self.draining? : Bool
      !@@started.nil?
    end

    # FAASO_DRAIN_SECONDS: how long a drain may take at most (0-3600 s).
    def self.limit : Time::Span
      raw = ENV["FAASO_DRAIN_SECONDS"]?.try(&.strip) || ""
      return DEFAULT_SECONDS.seconds if raw.empty?
      value = raw.matches?(/\A[0-9]+(\.[0-9]+)?\z/) ? raw.to_f : nil
      return value.seconds if value && value <= 3600
      STDERR.puts "faaso: FAASO_DRAIN_SECONDS=#{raw.inspect} is not a number of seconds from 0 to 3600; using #{DEFAULT_SECONDS}"
      STDERR.flush
      DEFAULT_SECONDS.seconds
    end

    def self.opened(io : IO) : Nil
      @@connections[io] = Connection.new
    end

    def self.closed(io : IO) : Nil
      @@connections.delete(io)
    end

    def self.idle(io : IO) : Nil
      @@connections[io]?.try &.idle_since = Time.instant
    end

    def self.busy(io : IO) : Nil
      @@connections[io]?.try &.idle_since = nil
    end

    def self.start(server : HTTP::Server, signal : Signal, limit : Time::Span) : Nil
      return if draining? # a second signal changes nothing
      started = Time.instant
      @@started = started
      # Stops accepting: new connection attempts are refused from here on. It also
      # makes each connection stop after the request it is on.
      server.close
      say "faaso: SIG#{signal}: draining #{@@connections.size} connection(s)"
      spawn { run(started, limit) }
    end

    # "1.2" (seconds): `"%.1f" %` would bring printf's float tables back (log_handler.cr).
    private def self.tenths(span : Time::Span) : String
      whole, tenth = (span.total_milliseconds / 100).round.to_i64.divmod(10)
      "#{whole}.#{tenth}"
    end

    private def self.run(started : Time::Instant, limit : Time::Span) : Nil
      loop do
        elapsed = Time.instant - started
        if @@connections.empty?
          say "faaso: drained in #{tenths(elapsed)}s"
          sleep LINGER
          exit 0
        end
        if elapsed >= limit
          say "faaso: drain deadline reached after #{tenths(elapsed)}s, closing #{@@connections.size} connection(s)"
          @@connections.each_key { |io| shutdown(io) }
          exit 0
        end
        now = Time.instant
        @@connections.each do |io, conn|
          since = conn.idle_since
          next if since.nil? || conn.closing? || now - {since, started}.max < QUIET
          conn.closing = true
          shutdown(io)
        end
        sleep({50.milliseconds, limit - elapsed}.min)
      end
    end

    # shutdown(2) both ways: a FIN (not a reset: an idle connection has nothing
    # left unread), and the connection's fiber, waiting for a request, sees EOF
    # and closes the socket itself.
    private def self.shutdown(io : IO) : Nil
      return unless io.is_a?(Socket)
      io.close_write
      io.close_read
    rescue Socket::Error # already reset by the client
    end

    private def self.say(line : String) : Nil
      STDOUT.puts line
      STDOUT.flush
    end
  end
end

# The two places HTTP::Server lets the drain see its connections.
class HTTP::Server
  # Runs once per accepted connection, until the connection is closed.
  private def handle_client(io : IO)
    Faaso::Drain.opened(io)
    previous_def
  ensure
    Faaso::Drain.closed(io)
  end
end

class HTTP::Request
  # HTTP::Server::RequestProcessor calls this each time it waits for a
  # connection's next request: the connection is idle until the request's first
  # byte arrives (peek), and busy from then on until it gets here again, after
  # the response. So the drain never closes one whose request is being read.
  # The signature is the stdlib's, restriction for restriction: a looser one is a
  # new overload the server never calls (Crystal 1.21 typed `io : IO`), which the
  # drain integration test catches.
  def self.from_io(io : IO, *, max_request_line_size : Int32 = HTTP::MAX_REQUEST_LINE_SIZE, max_headers_size : Int32 = HTTP::MAX_HEADERS_SIZE) : HTTP::Request | HTTP::Status | Nil
    Faaso::Drain.idle(io)
    io.peek
    Faaso::Drain.busy(io)
    previous_def
  end
end
