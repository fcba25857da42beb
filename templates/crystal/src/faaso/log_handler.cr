require "http/server"

# HTTP::Server compiles every stdlib handler (http/server/handler.cr requires
# handlers/*), LogHandler among them, though faaso never installs it. Its
# elapsed_text formats with `"%.*f" %`, which brings printf's float tables in:
# ~190 KB of machine code in constant initialisers, and Crystal puts every
# constant initialiser in the module that also holds top-level code, the
# function's `handle` among them. With build profile fast each edit of the
# handler re-optimises that module, tables and all (README, Performance).
# Anyone who does install LogHandler gets milliseconds.
class HTTP::LogHandler
  private def elapsed_text(elapsed)
    "#{elapsed.total_milliseconds.round(2)}ms"
  end
end
