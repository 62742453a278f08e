#pragma once
// The one place that tests __CUDACC__: every per-item algorithm function is marked UMBRA_HD
// and so compiles for host (g++, CPU backend) and device (nvcc, CUDA backend) from one source.

#if defined(__CUDACC__)
#define UMBRA_HD __host__ __device__
#define UMBRA_DEVICE __device__
#define UMBRA_INLINE __forceinline__
#else
#define UMBRA_HD
#define UMBRA_DEVICE
#define UMBRA_INLINE inline
#endif

// True only while nvcc compiles the device side of a translation unit.
#if defined(__CUDA_ARCH__)
#define UMBRA_ON_DEVICE 1
#else
#define UMBRA_ON_DEVICE 0
#endif

// Full unrolling of a short loop in device code whose index selects an element of a local array
// (the two tracks of a pair): nvcc's cost model keeps a loop with a large body rolled, and an index
// that is not a constant puts the whole array in local memory. Host compilers decide themselves.
#if defined(__CUDA_ARCH__)
#define UMBRA_DEVICE_UNROLL _Pragma("unroll")
#else
#define UMBRA_DEVICE_UNROLL
#endif
