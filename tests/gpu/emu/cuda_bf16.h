// bf16 conversions for the host emulation (see cuda_runtime.h here).
#pragma once
#include <cstdint>
#include <cstring>
struct __nv_bfloat16 { uint16_t bits; };
inline __nv_bfloat16 __float2bfloat16_rn(float x) { uint32_t u; std::memcpy(&u, &x, 4); u += 0x7fff + ((u >> 16) & 1); return {uint16_t(u >> 16)}; }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 h) { return h.bits; }
