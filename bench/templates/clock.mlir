// The clock of every timed program. rtclock's f64 is returned as its i64 bit
// pattern (bench/fp8bench/runner.py turns it back into seconds): upstream's
// --convert-arith-to-apfloat turns every float op, subf included, into a
// runtime call, so the programs do no float arithmetic of their own.
func.func private @rtclock() -> f64

func.func @now() -> i64 attributes {passthrough = ["noinline"]} {
  %t = call @rtclock() : () -> f64
  %b = arith.bitcast %t : f64 to i64
  return %b : i64
}
