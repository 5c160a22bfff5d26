#include "simulator/erlang_b.h"

namespace cpark::sim {

double erlang_b(double a, long c) {
  double b = 1.0;
  for (long k = 1; k <= c; ++k) b = a * b / (double(k) + a * b);
  return b;
}

long erlang_b_servers(double a, double target) {
  double b = 1.0;
  long c = 0;
  while (b > target && c < 10'000'000) {
    ++c;
    b = a * b / (double(c) + a * b);
  }
  return c;
}

}  // namespace cpark::sim
