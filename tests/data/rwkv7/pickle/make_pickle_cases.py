"""Writes the small hand-made .pth files the checkpoint-reader tests use (run with /usr/bin/python3,
Debian python3-torch 1.13). Values are simple ranges so the C++ tests know them without Python."""
import collections
import os
import sys

import torch

out = os.path.dirname(os.path.abspath(__file__))

# 1. What RWKV-LM's DeepSpeed runs save: an OrderedDict state_dict (with its `_metadata`
#    attribute, set through BUILD) whose keys carry a `_forward_module.` prefix; plus fp16,
#    a transposed (non-contiguous) view and two views sharing one storage at an offset.
lin = torch.nn.Linear(3, 2)
with torch.no_grad():
    lin.weight.copy_(torch.arange(6.0).reshape(2, 3))
    lin.bias.copy_(torch.tensor([0.5, -1.5]))
sd = lin.half().state_dict()
full = torch.arange(10.0)
prefixed = collections.OrderedDict(("_forward_module." + k, v) for k, v in sd.items())
prefixed["_forward_module.full"] = full
prefixed["_forward_module.slice"] = full[3:7]
prefixed["_forward_module.transposed"] = torch.arange(12.0).reshape(3, 4).t()
prefixed["_forward_module.bf16"] = torch.tensor([1.0, -2.0, 0.25], dtype=torch.bfloat16)
prefixed._metadata = sd._metadata
torch.save(prefixed, os.path.join(out, "ordered_prefixed.pth"))


# 2. A hostile file: unpickling it with Python's pickle would run a shell command.
class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


torch.save({"x": Evil()}, os.path.join(out, "hostile_global.pth"))

# 3. The pre-1.6 (non-ZIP) format.
torch.save({"w": torch.zeros(2)}, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)
print("wrote", out, file=sys.stderr)
