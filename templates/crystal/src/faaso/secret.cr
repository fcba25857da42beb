# faaso helpers for crystal handlers: `Faaso.secret("db-password")` returns the
# secret the function declares in function.yml (`secrets: [db-password]`), as
# a String, read from the file faaso mounts read-only at
# /run/secrets/db-password (the test value while the function's tests run).
# Raises naming the secret when it is not mounted.
module Faaso
  SECRETS_DIR = "/run/secrets"

  def self.secret(name : String) : String
    raise ArgumentError.new("invalid secret name #{name.inspect}") unless name.matches?(/\A[a-z0-9][a-z0-9_-]{0,62}\z/)
    File.read("#{SECRETS_DIR}/#{name}")
  rescue File::NotFoundError
    raise KeyError.new("secret #{name.inspect} is not mounted: list it under secrets: in function.yml")
  end
end
