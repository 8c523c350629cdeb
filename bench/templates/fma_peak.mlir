// 16 independent accumulators: enough to cover the FMA latency
// on every FMA pipe, so that the loop runs at the core's FMA throughput.
func.func @fma_peak(%iters: index, %x: vector<16xf32>, %y: vector<16xf32>) -> f32
    attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant dense<0.0> : vector<16xf32>
  %r:16 = scf.for %i = %c0 to %iters step %c1
      iter_args(%acc0 = %z, %acc1 = %z, %acc2 = %z, %acc3 = %z, %acc4 = %z, %acc5 = %z, %acc6 = %z, %acc7 = %z, %acc8 = %z, %acc9 = %z, %acc10 = %z, %acc11 = %z, %acc12 = %z, %acc13 = %z, %acc14 = %z, %acc15 = %z) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
    %n0 = vector.fma %x, %y, %acc0 : vector<16xf32>
    %n1 = vector.fma %x, %y, %acc1 : vector<16xf32>
    %n2 = vector.fma %x, %y, %acc2 : vector<16xf32>
    %n3 = vector.fma %x, %y, %acc3 : vector<16xf32>
    %n4 = vector.fma %x, %y, %acc4 : vector<16xf32>
    %n5 = vector.fma %x, %y, %acc5 : vector<16xf32>
    %n6 = vector.fma %x, %y, %acc6 : vector<16xf32>
    %n7 = vector.fma %x, %y, %acc7 : vector<16xf32>
    %n8 = vector.fma %x, %y, %acc8 : vector<16xf32>
    %n9 = vector.fma %x, %y, %acc9 : vector<16xf32>
    %n10 = vector.fma %x, %y, %acc10 : vector<16xf32>
    %n11 = vector.fma %x, %y, %acc11 : vector<16xf32>
    %n12 = vector.fma %x, %y, %acc12 : vector<16xf32>
    %n13 = vector.fma %x, %y, %acc13 : vector<16xf32>
    %n14 = vector.fma %x, %y, %acc14 : vector<16xf32>
    %n15 = vector.fma %x, %y, %acc15 : vector<16xf32>
    scf.yield %n0, %n1, %n2, %n3, %n4, %n5, %n6, %n7, %n8, %n9, %n10, %n11, %n12, %n13, %n14, %n15 : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
  }
  %s0 = arith.addf %r#0, %r#1 : vector<16xf32>
  %s1 = arith.addf %s0, %r#2 : vector<16xf32>
  %s2 = arith.addf %s1, %r#3 : vector<16xf32>
  %s3 = arith.addf %s2, %r#4 : vector<16xf32>
  %s4 = arith.addf %s3, %r#5 : vector<16xf32>
  %s5 = arith.addf %s4, %r#6 : vector<16xf32>
  %s6 = arith.addf %s5, %r#7 : vector<16xf32>
  %s7 = arith.addf %s6, %r#8 : vector<16xf32>
  %s8 = arith.addf %s7, %r#9 : vector<16xf32>
  %s9 = arith.addf %s8, %r#10 : vector<16xf32>
  %s10 = arith.addf %s9, %r#11 : vector<16xf32>
  %s11 = arith.addf %s10, %r#12 : vector<16xf32>
  %s12 = arith.addf %s11, %r#13 : vector<16xf32>
  %s13 = arith.addf %s12, %r#14 : vector<16xf32>
  %s14 = arith.addf %s13, %r#15 : vector<16xf32>
  %s = vector.reduction <add>, %s14 : vector<16xf32> into f32
  return %s : f32
}
