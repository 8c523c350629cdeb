// RUN: not fp8-opt %s --fp8-gpu-pipeline=chip=sm_90a 2>&1 | FileCheck %s

// The host side is checked too (host=llvm): an op that no host lowering
// takes is an error naming it and its location, not a translation failure
// later. Scalar fp8 code on the host (@host_scalar) is lowered.
// CHECK-NOT: host_scalar
// CHECK: fp8-gpu-pipeline-host-leftovers.mlir:[[@LINE+6]]:{{[0-9]+}}: error: 'builtin.unrealized_conversion_cast' op was not lowered to the LLVM dialect: a conversion left this cast for its user 'vector.contract', which was not converted
// CHECK: note: and 4 more: builtin.unrealized_conversion_cast x3, vector.contract x1
func.func @host_scalar(%x: f32) -> f8E4M3FN {
  %q = fp8.convert %x : f32 to f8E4M3FN
  return %q : f8E4M3FN
}
func.func @contract(%a: vector<2x2xf32>, %b: vector<2x2xf32>, %c: vector<2x2xf32>) -> vector<2x2xf32> {
  %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %c : vector<2x2xf32>, vector<2x2xf32> into vector<2x2xf32>
  return %r : vector<2x2xf32>
}
