# Entry point of every crystal function image. The function provides
# src/handler.cr with a top-level `def handle(req : Faaso::Request)`; see
# src/faaso/response.cr for what its return value may be.
require "./faaso/server"
require "./faaso/secret"
require "./handler"

Faaso.main
