// Erlang B: the blocking of c servers offered A Erlang of Poisson traffic with any
// holding-time distribution (insensitivity). The simulator checks itself against it (D5)
// and uses it to cross-check the planning answer (D6).
#pragma once

namespace cpark::sim {

// B(A, c) by the stable recursion B(k) = A·B(k-1) / (k + A·B(k-1)), B(0) = 1.
double erlang_b(double offered_erlang, long servers);
// The smallest c with B(A, c) <= target.
long erlang_b_servers(double offered_erlang, double target);

}  // namespace cpark::sim
