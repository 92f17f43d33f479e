"""Writes small.safetensors by hand (standard library only), independent of our writer:
   "a": F32 [2, 3] = 0..5, "b": BF16 [4] = 1, -2, 0.5, 3, "e": I64 [0]; metadata {"note": "hi"}."""
import json
import os
import struct

a = struct.pack("<6f", *range(6))
b = struct.pack("<4H", 0x3F80, 0xC000, 0x3F00, 0x4040)
header = {"__metadata__": {"note": "hi"},
          "b": {"dtype": "BF16", "shape": [4], "data_offsets": [24, 32]},
          "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
          "e": {"dtype": "I64", "shape": [0], "data_offsets": [32, 32]}}
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "small.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + a + b)
