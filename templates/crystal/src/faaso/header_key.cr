require "http/headers"

# HTTP::Headers finds a header by a case-insensitive key: stdlib hashes the
# name one byte at a time, each byte a call into Crystal::Hasher, and compares
# names byte by byte through Pointer#[]. Built module by module (profile fast)
# none of those calls is inlined, and a request does about ten lookups (parsing,
# keep-alive, content length, the response's own headers), so this was the
# largest single share of a request's instructions. Same rules as stdlib's
# (ASCII case and '_' for '-' ignored), 8 bytes per hasher call, and an exact
# match (the usual case) checked with one memcmp first.
struct HTTP::Headers::Key
  def hash(hasher)
    ptr = name.to_unsafe
    stop = ptr + name.bytesize.to_i64
    word = 0_u64
    shift = 0_u64
    # Primitives only (Pointer#value, unsafe_shl, &+): each is an instruction,
    # never a call into another module.
    while ptr.address < stop.address
      byte = ptr.value
      byte = byte &+ 32_u8 if byte >= 65_u8 && byte <= 90_u8
      byte = 45_u8 if byte == 95_u8
      word = word | byte.to_u64!.unsafe_shl(shift)
      shift = shift &+ 8_u64
      if shift == 64_u64
        hasher = word.hash(hasher)
        word = 0_u64
        shift = 0_u64
      end
      ptr = ptr + 1_i64
    end
    hasher = word.hash(hasher)
    name.bytesize.hash(hasher)
  end

  def ==(key2)
    name == key2.name || previous_def
  end
end
