// An allow-list interpreter for the pickle a torch.save'd state_dict contains — and nothing else.
//
// Accepted: protocol 2–5 framing, dict/OrderedDict, tuples, lists, strings, ints, bools, None,
// memo get/put, persistent ids of the form ('storage', torch.<T>Storage, key, location, numel),
// and exactly these callables: collections.OrderedDict(), torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter. Any other global, opcode or shape of data is rejected with a
// message naming it. Nothing is ever imported, called or executed: "calling" an allowed global
// just builds a description of a tensor. LibTorch's own unpickler is never used on user files
// (1.13's has fuzz-found memory errors).
#pragma once

#include "checkpoint/tensor_record.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pm::formats {

struct PickledTensor {
    std::string name;             // the state_dict key
    DType dtype = DType::F32;
    std::string storageKey;       // archive entry data/<storageKey>
    int64_t storageNumel = 0;
    int64_t elemOffset = 0;
    std::vector<int64_t> shape, strides;
};

// Parses the pickle of a state_dict (a dict or OrderedDict of name → tensor), in file order.
// Throws FormatError.
std::vector<PickledTensor> parseStateDictPickle(const uint8_t* data, uint64_t size);

}  // namespace pm::formats
