// Sorts (value, tag) pairs read from stdin by value with libstdc++'s
// std::sort, comparing values only as XGBoost's sketch queue does, and
// prints the tags in the sorted order. Input: n, then n lines "value tag".
#include <algorithm>
#include <cstdio>
#include <vector>

struct Entry {
  float value;
  int tag;
  bool operator<(const Entry& b) const { return value < b.value; }
};

int main() {
  size_t n;
  if (std::scanf("%zu", &n) != 1) return 1;
  std::vector<Entry> v(n);
  for (auto& e : v) {
    if (std::scanf("%a %d", &e.value, &e.tag) != 2) return 1;
  }
  std::sort(v.begin(), v.end());
  for (auto const& e : v) std::printf("%d\n", e.tag);
  return 0;
}
