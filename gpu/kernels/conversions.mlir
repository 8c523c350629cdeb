// Conversion kernels the GPU harness (gpu/harness.py) checks bit for bit
// against the numerics library and times against a device copy.

func.func @check_f32_to_e4m3_none(%x: tensor<1048576xf32>) -> tensor<1048576xf8E4M3FN> {
  %q = fp8.convert %x : tensor<1048576xf32> to tensor<1048576xf8E4M3FN>
  return %q : tensor<1048576xf8E4M3FN>
}

func.func @check_f32_to_e4m3_finite(%x: tensor<1048576xf32>) -> tensor<1048576xf8E4M3FN> {
  %q = fp8.convert %x {saturation = #fp8.saturation<finite>} : tensor<1048576xf32> to tensor<1048576xf8E4M3FN>
  return %q : tensor<1048576xf8E4M3FN>
}

func.func @check_e4m3_to_f32(%q: tensor<256xf8E4M3FN>) -> tensor<256xf32> {
  %x = fp8.convert %q : tensor<256xf8E4M3FN> to tensor<256xf32>
  return %x : tensor<256xf32>
}

func.func @check_f16_to_e4m3(%x: tensor<65536xf16>) -> tensor<65536xf8E4M3FN> {
  %q = fp8.convert %x : tensor<65536xf16> to tensor<65536xf8E4M3FN>
  return %q : tensor<65536xf8E4M3FN>
}

func.func @check_f32_to_e5m2_none(%x: tensor<1048576xf32>) -> tensor<1048576xf8E5M2> {
  %q = fp8.convert %x : tensor<1048576xf32> to tensor<1048576xf8E5M2>
  return %q : tensor<1048576xf8E5M2>
}

func.func @check_f32_to_e5m2_finite(%x: tensor<1048576xf32>) -> tensor<1048576xf8E5M2> {
  %q = fp8.convert %x {saturation = #fp8.saturation<finite>} : tensor<1048576xf32> to tensor<1048576xf8E5M2>
  return %q : tensor<1048576xf8E5M2>
}

func.func @check_e5m2_to_f32(%q: tensor<256xf8E5M2>) -> tensor<256xf32> {
  %x = fp8.convert %q : tensor<256xf8E5M2> to tensor<256xf32>
  return %x : tensor<256xf32>
}

func.func @check_f16_to_e5m2(%x: tensor<65536xf16>) -> tensor<65536xf8E5M2> {
  %q = fp8.convert %x : tensor<65536xf16> to tensor<65536xf8E5M2>
  return %q : tensor<65536xf8E5M2>
}

func.func @bench_f32_to_e4m3_none(%x: tensor<268435456xf32>) -> tensor<268435456xf8E4M3FN> {
  %q = fp8.convert %x : tensor<268435456xf32> to tensor<268435456xf8E4M3FN>
  return %q : tensor<268435456xf8E4M3FN>
}

func.func @check_f32_to_hif8(%x: tensor<1048576xf32>) -> tensor<1048576x!fp8.hif8> {
  %q = fp8.convert %x {rounding = #fp8.rounding<hybrid>} : tensor<1048576xf32> to tensor<1048576x!fp8.hif8>
  return %q : tensor<1048576x!fp8.hif8>
}
