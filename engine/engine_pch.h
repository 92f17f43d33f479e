// Precompiled header for the engine: the heavy LibTorch and standard headers, compiled once.
#pragma once

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
