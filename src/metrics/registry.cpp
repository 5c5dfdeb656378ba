#include "metrics/registry.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <new>
#include <stdexcept>

namespace linkgate::metrics {

namespace {

// More shards than a server has threads that record (I/O threads, store and mail workers), so
// that they rarely share one.
constexpr std::uint32_t kShards = 32;

enum Type { kCounter, kGauge, kHistogram };

std::uint32_t thread_shard() {
  static std::atomic<std::uint32_t> next{0};
  thread_local const std::uint32_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

bool valid_name(std::string_view name, bool metric) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return metric || !name.starts_with("__");
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 400> buffer{};  // DBL_MAX in fixed notation fits
  auto [end, error] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  (void)error;
  return std::string(buffer.data(), end);
}

void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}` with `extra` (e.g. le) last; nothing when there are no labels at all.
void append_labels(std::string& out, const Labels& labels,
                   const std::pair<std::string_view, std::string_view>* extra = nullptr) {
  if (labels.empty() && !extra) return;
  out += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (extra) one(extra->first, extra->second);
  out += '}';
}

}  // namespace

struct Registry::Series {
  Labels labels;
  std::uint32_t first_cell = 0;
  std::vector<std::int64_t> bounds_ns;  // histograms
  std::vector<double> bounds_s;         // histograms, as given
  std::function<double()> read;         // gauges and counter functions
};

struct Registry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  std::vector<std::string> label_names;
  std::vector<std::unique_ptr<Series>> series;
};

std::span<const double> latency_buckets() {
  static constexpr std::array<double, 14> kBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBounds;
}

Registry::Registry(std::uint32_t max_cells)
    : max_cells_(max_cells),
      cells_(static_cast<std::uint64_t*>(
          std::calloc(static_cast<std::size_t>(kShards) * max_cells, sizeof(std::uint64_t)))) {
  if (!cells_) throw std::bad_alloc();
}

Registry::~Registry() {
  std::free(cells_);
}

std::uint64_t* Registry::shard_cells() const {
  return cells_ + static_cast<std::size_t>(thread_shard()) * max_cells_;
}

std::uint64_t Registry::sum(std::uint32_t cell) const {
  std::uint64_t total = 0;
  for (std::uint32_t shard = 0; shard < kShards; ++shard) {
    total +=
        std::atomic_ref<std::uint64_t>(cells_[static_cast<std::size_t>(shard) * max_cells_ + cell])
            .load(std::memory_order_relaxed);
  }
  return total;
}

std::uint32_t Registry::take_cells(std::uint32_t count) {
  if (count > max_cells_ - used_cells_) {
    throw std::logic_error("metrics: the registry's cells are all taken");
  }
  const std::uint32_t first = used_cells_;
  used_cells_ += count;
  return first;
}

Registry::Family& Registry::family(std::string_view name, std::string_view help, int type,
                                   const Labels& labels) {
  if (!valid_name(name, true)) {
    throw std::logic_error("metrics: bad metric name " + std::string(name));
  }
  if (type == kCounter && !name.ends_with("_total")) {
    throw std::logic_error("metrics: a counter's name ends in _total: " + std::string(name));
  }
  std::vector<std::string> label_names;
  for (const auto& [label, value] : labels) {
    if (!valid_name(label, false) || (type == kHistogram && label == "le")) {
      throw std::logic_error("metrics: bad label name " + label + " of " + std::string(name));
    }
    label_names.push_back(label);
  }
  for (auto& existing : families_) {
    if (existing->name != name) continue;
    if (existing->type != type || existing->help != help || existing->label_names != label_names) {
      throw std::logic_error("metrics: " + std::string(name) +
                             " registered again with another type, help or labels");
    }
    for (const auto& series : existing->series) {
      if (series->labels == labels) {
        throw std::logic_error("metrics: a series of " + std::string(name) + " registered twice");
      }
    }
    return *existing;
  }
  auto created = std::make_unique<Family>();
  created->name = std::string(name);
  created->help = std::string(help);
  created->type = type;
  created->label_names = std::move(label_names);
  families_.push_back(std::move(created));
  return *families_.back();
}

Counter Registry::counter(std::string_view name, std::string_view help, Labels labels) {
  Family& f = family(name, help, kCounter, labels);
  auto series = std::make_unique<Series>();
  series->labels = std::move(labels);
  series->first_cell = take_cells(1);
  const std::uint32_t cell = series->first_cell;
  f.series.push_back(std::move(series));
  return Counter(this, cell);
}

Histogram Registry::histogram(std::string_view name, std::string_view help, Labels labels,
                              std::span<const double> bounds_seconds) {
  if (bounds_seconds.empty() || !std::is_sorted(bounds_seconds.begin(), bounds_seconds.end()) ||
      std::adjacent_find(bounds_seconds.begin(), bounds_seconds.end()) != bounds_seconds.end()) {
    throw std::logic_error("metrics: a histogram's bounds ascend strictly: " + std::string(name));
  }
  Family& f = family(name, help, kHistogram, labels);
  auto series = std::make_unique<Series>();
  series->labels = std::move(labels);
  series->bounds_s.assign(bounds_seconds.begin(), bounds_seconds.end());
  for (double bound : bounds_seconds) {
    series->bounds_ns.push_back(static_cast<std::int64_t>(std::llround(bound * 1e9)));
  }
  const auto buckets = static_cast<std::uint32_t>(series->bounds_ns.size() + 1);
  series->first_cell = take_cells(buckets + 1);
  Histogram handle(this, series->first_cell, series->bounds_ns.data(), buckets);
  f.series.push_back(std::move(series));
  return handle;
}

void Registry::gauge(std::string_view name, std::string_view help, Labels labels,
                     std::function<double()> read) {
  read_series(name, help, kGauge, std::move(labels), std::move(read));
}

void Registry::counter_function(std::string_view name, std::string_view help, Labels labels,
                                std::function<double()> read) {
  read_series(name, help, kCounter, std::move(labels), std::move(read));
}

void Registry::read_series(std::string_view name, std::string_view help, int type, Labels labels,
                           std::function<double()> read) {
  Family& f = family(name, help, type, labels);
  auto series = std::make_unique<Series>();
  series->labels = std::move(labels);
  series->read = std::move(read);
  f.series.push_back(std::move(series));
}

std::uint64_t Registry::value(const Counter& counter) const {
  return counter.registry_ == this ? sum(counter.cell_) : 0;
}

std::string Registry::text() const {
  static constexpr std::array<std::string_view, 3> kTypeNames = {"counter", "gauge", "histogram"};
  std::string out;
  out.reserve(16 * 1024);
  for (const auto& f : families_) {
    out += "# HELP ";
    out += f->name;
    out += ' ';
    append_escaped(out, f->help, false);
    out += "\n# TYPE ";
    out += f->name;
    out += ' ';
    out += kTypeNames[static_cast<std::size_t>(f->type)];
    out += '\n';
    for (const auto& s : f->series) {
      if (f->type != kHistogram) {
        out += f->name;
        append_labels(out, s->labels);
        out += ' ';
        out += s->read ? number(s->read()) : std::to_string(sum(s->first_cell));
        out += '\n';
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b <= s->bounds_s.size(); ++b) {
        cumulative += sum(s->first_cell + static_cast<std::uint32_t>(b));
        const std::string le = b < s->bounds_s.size() ? number(s->bounds_s[b]) : "+Inf";
        const std::pair<std::string_view, std::string_view> extra{"le", le};
        out += f->name;
        out += "_bucket";
        append_labels(out, s->labels, &extra);
        out += ' ';
        out += std::to_string(cumulative);
        out += '\n';
      }
      const auto sum_ns = sum(s->first_cell + static_cast<std::uint32_t>(s->bounds_s.size() + 1));
      out += f->name;
      out += "_sum";
      append_labels(out, s->labels);
      out += ' ';
      out += number(static_cast<double>(sum_ns) / 1e9);
      out += '\n';
      out += f->name;
      out += "_count";
      append_labels(out, s->labels);
      out += ' ';
      out += std::to_string(cumulative);
      out += '\n';
    }
  }
  return out;
}

void Counter::add(std::uint64_t n) const {
  if (!registry_) return;
  std::atomic_ref<std::uint64_t>(registry_->shard_cells()[cell_])
      .fetch_add(n, std::memory_order_relaxed);
}

void Histogram::observe(std::chrono::nanoseconds duration) const {
  if (!registry_) return;
  const std::int64_t ns = std::max<std::int64_t>(0, duration.count());
  std::uint32_t bucket = 0;
  while (bucket + 1 < bucket_count_ && ns > bounds_ns_[bucket]) ++bucket;
  std::uint64_t* cells = registry_->shard_cells() + first_cell_;
  std::atomic_ref<std::uint64_t>(cells[bucket]).fetch_add(1, std::memory_order_relaxed);
  std::atomic_ref<std::uint64_t>(cells[bucket_count_])
      .fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

}  // namespace linkgate::metrics
