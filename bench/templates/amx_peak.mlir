// tdpbf16ps on four independent accumulator tiles: the AMX-BF16 tile
// peak (the tiles' latency is covered by four chains).
func.func @amx_peak(%iters: index, %in: memref<16x32xbf16>, %out: memref<16x16xf32>)
    -> f32 attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = amx.tile_load %in[%c0, %c0] : memref<16x32xbf16> into !amx.tile<16x32xbf16>
  %b = amx.tile_load %in[%c0, %c0] : memref<16x32xbf16> into !amx.tile<16x32xbf16>
  %z = amx.tile_zero : !amx.tile<16x16xf32>
  %r:4 = scf.for %i = %c0 to %iters step %c1 iter_args(%t0 = %z, %t1 = %z, %t2 = %z, %t3 = %z)
      -> (!amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>) {
    %n0 = amx.tile_mulf %a, %b, %t0 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    %n1 = amx.tile_mulf %a, %b, %t1 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    %n2 = amx.tile_mulf %a, %b, %t2 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    %n3 = amx.tile_mulf %a, %b, %t3 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    scf.yield %n0, %n1, %n2, %n3 : !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>
  }
  %s = arith.constant 0.0 : f32
  %sum = scf.for %j = %c0 to %c1 step %c1 iter_args(%acc = %s) -> (f32) {
    amx.tile_store %out[%c0, %c0], %r#0 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v0 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    amx.tile_store %out[%c0, %c0], %r#1 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v1 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    amx.tile_store %out[%c0, %c0], %r#2 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v2 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    amx.tile_store %out[%c0, %c0], %r#3 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v3 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    %s01 = arith.addf %v0, %v1 : f32
    %s23 = arith.addf %v2, %v3 : f32
    %s0123 = arith.addf %s01, %s23 : f32
    scf.yield %s0123 : f32
  }
  return %sum : f32
}
