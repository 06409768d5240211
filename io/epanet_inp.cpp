// EPANET 2.x .inp importer: one steady period at t = 0, converted to a heatnet NetworkDefinition
// whose physics reproduces EPANET's (docs/network-format.md, "EPANET .inp import").
//
//  * Units: EPANET works in ft and cfs internally and converts every flow with its own
//    (rounded) factors per cfs (GPM 448.831, LPS 28.317, CMH 101.94, ...). By default flows
//    are converted the same way (file flow / factor = cfs, then 1 cfs = 0.3048^3 m3/s exactly),
//    so heads agree with EPANET's exactly; EpanetImportOptions::exact_si_flow_units uses the
//    exact SI factors instead (differences about 5e-6 relative).
//  * Fluid: constant properties, density 1000 kg/m3 x SPECIFIC GRAVITY, kinematic viscosity
//    1.1e-5 ft2/s (or [OPTIONS] VISCOSITY), gravity 32.2 ft/s2 = 9.81456 m/s2.
//  * t = 0 state: demands x pattern multipliers (PATTERN START, default pattern) x DEMAND
//    MULTIPLIER; reservoir head patterns; pump speed patterns; [STATUS]; simple [CONTROLS]
//    that fire at t = 0 (TIMER at 0, CLOCKTIME at START CLOCKTIME, tank-level conditions on the
//    initial levels), applied in file order like EPANET's controls(). Junction-pressure
//    controls and [RULES] are not evaluated (EPANET does not apply rules before t = 0).
//  * Tanks are fixed-pressure nodes at their initial level; a tank at its maximum (minimum)
//    level gets no_inflow (no_outflow), EPANET's full/empty tank rule.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/text_encoding.hpp"
#include "io/text_file.hpp"
#include "network/elements/elements.hpp"  // detail::IdMap

namespace heatnet::io {
namespace {

constexpr double kFt = 0.3048;
constexpr double kCfsToM3s = 0.028316846592;  // 0.3048^3
constexpr double kGravity = 32.2 * kFt;        // 9.81456 m/s2
constexpr double kViscosityFt2s = 1.1e-5;      // EPANET's VISCOS
constexpr double kPsiPerFt = 0.4333;           // EPANET's PSIperFT
constexpr double kHpToKw = 0.7457;             // EPANET's KWperHP
constexpr double kHtolFt = 0.0005;             // EPANET's HTOL
constexpr double kMaxTimeS = 1e10;             // [TIMES] and control times, s
constexpr double kMaxTrials = 100000;          // TRIALS: Network's max_iterations limit
// EPANET's minor-loss head is 0.02517 K/D^4 Q|Q| (ft, cfs); the exact 8/(pi^2 g) with
// g = 32.2 ft/s2 is 0.0251729..., so EPANET's minor losses are 1.16e-4 smaller than K V^2/(2g).
// Minor-loss coefficients (pipes, valves, TCV settings) are scaled by this factor on import.
constexpr double kMinorLossFactor = 0.02517 * 3.14159265358979323846 * 3.14159265358979323846 * 32.2 / 8.0;

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}
bool starts_with_ci(std::string_view s, const char* prefix) {
  const std::string u = upper(s), p = upper(prefix);
  return u.compare(0, p.size(), p) == 0;
}

// What a byte is to the tokeniser. A text file has no control characters but tabs (a NUL
// would end an id in HDF5 or C); spaces and tabs separate words; ';' starts a comment.
enum ByteClass : unsigned char { kWordByte, kBlank, kSemicolon, kControl };
constexpr std::array<ByteClass, 256> kByteClass = [] {
  std::array<ByteClass, 256> classes{};
  for (int c = 0; c < 0x20; ++c) classes[c] = kControl;
  classes[0x7F] = kControl;
  classes[' '] = classes['\t'] = kBlank;
  classes[';'] = kSemicolon;
  return classes;
}();
ByteClass byte_class(char c) { return kByteClass[static_cast<unsigned char>(c)]; }

// One pass over a line (without its line break): appends the words before the first ';' to
// `words` (runs of bytes between spaces and tabs, as `istream >> std::string` splits them;
// views into the line) and returns where that data part ends, or the column (0-based) of the
// first control character, anywhere in the line, as `control`.
std::size_t split_data_words(std::string_view line, std::vector<std::string_view>& words,
                             std::size_t& control) {
  const std::size_t n = line.size();
  std::size_t i = 0;
  control = std::string_view::npos;
  while (i < n) {
    while (i < n && byte_class(line[i]) == kBlank) ++i;
    if (i == n) break;
    const ByteClass c = byte_class(line[i]);
    if (c == kSemicolon) break;
    if (c == kControl) {
      control = i;
      return i;
    }
    const std::size_t start = i;
    while (i < n && byte_class(line[i]) == kWordByte) ++i;
    words.push_back(line.substr(start, i - start));
  }
  const std::size_t data_end = i;
  for (; i < n; ++i)  // the comment: checked, not split
    if (byte_class(line[i]) == kControl) {
      control = i;
      break;
    }
  return data_end;
}

// Whether strtod reads the whole word as a number (a leading '+', hex, inf, ...): from_chars
// first (the same correctly rounded value for plain decimals, without strtod's locale work and
// without a NUL-terminated copy), strtod for what from_chars does not take.
bool strtod_whole_word(std::string_view word, double& value) {
  const char* const first = word.data();
  const char* const last = first + word.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec == std::errc() && ptr == last) return true;
  const std::string copy(word);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return end != copy.c_str() && *end == '\0';
}

// A whole word as a finite number, as strtod reads it.
bool decimal_number(std::string_view word, double& value) {
  return strtod_whole_word(word, value) && std::isfinite(value);
}

// The words of a data line: views into the file text (the parser keeps the text alive).
using Words = std::span<const std::string_view>;

struct Line {
  int number = 0;
  Words tokens;
  std::size_t first_word = 0, word_count = 0;  // tokenise(): `tokens` in the parser's word list
};

// A line naming only an element's id, for errors about an element read earlier.
Line id_line(int number, const std::string_view& id) { return Line{number, Words(&id, 1)}; }

enum class LinkType { pipe, cvpipe, pump, prv, psv, pbv, fcv, tcv, gpv, pcv };

// Ids and names are views into the file text until the definition is made.
struct LinkState {
  LinkType type = LinkType::pipe;
  std::string_view id, from, to;
  int line = 0;
  // pipes
  double length = 0, diameter = 0, roughness = 0, minor_loss = 0;
  // status: 'O' open, 'C' closed, 'A' active (valves with a setting in force)
  char status = 'O';
  // pumps: curve id or power; speed (LinkSetting); speed pattern
  std::string_view curve, pattern;
  std::optional<double> power;
  double setting = 1.0;  // pump speed, or valve setting (file units); GPV: curve id in `curve`
};

struct NodeState {
  enum Kind { junction, reservoir, tank } kind = junction;
  std::string_view id;
  int line = 0;
  double elevation = 0;  // file length units (reservoir: head)
  double init_level = 0, min_level = 0, max_level = 0;
  std::string_view pattern;  // reservoir head pattern
  struct Demand {
    double base;
    std::string_view pattern;
  };
  std::vector<Demand> demands;  // [JUNCTIONS] demand, replaced by [DEMANDS]
  bool demands_from_section = false;
  std::optional<double> x, y;
};

NodeState make_node(NodeState::Kind kind, const Line& l) {
  NodeState n;
  n.kind = kind;
  n.id = l.tokens[0];
  n.line = l.number;
  return n;
}
LinkState make_link(LinkType type, const Line& l) {
  LinkState s;
  s.type = type;
  s.id = l.tokens[0];
  s.from = l.tokens[1];
  s.to = l.tokens[2];
  s.line = l.number;
  return s;
}

// Units and fluid of the file ([OPTIONS] UNITS, HEADLOSS, SPECIFIC GRAVITY, VISCOSITY), as
// factors from the file's units to heatnet's.
struct Units {
  bool us = true;              // US customary (CFS, GPM, MGD, IMGD, AFD) or SI
  double flow_to_m3s = 0;      // file flow -> m3/s
  double len = 0;              // ft or m -> m
  double diam = 0;             // in or mm -> m
  double rough_mm = 0;         // millifeet or mm -> mm
  double rho = 0;              // kg/m3
  double mass = 0;             // file flow -> kg/s
  double pressure_to_Pa = 0;   // psi or m -> Pa of the network fluid (EPANET's head conversion)
  double viscosity = 0;        // m2/s
  FrictionModel friction = FrictionModel::hazen_williams;
};

// One pass over the file: tokenise into sections, then one reader per section in the order
// their data depends on each other, then the definition.
class Parser {
 public:
  Parser(std::string file, const EpanetImportOptions& options, InpSourceMap* origins = nullptr)
      : file_(std::move(file)), options_(options), origins_(origins) {}

  NetworkDefinition parse(std::string_view bytes);

 private:
  [[noreturn]] void fail(const Line& l, ErrorCode code, std::string_view kind,
                         std::string_view id, std::string_view field, std::string_view value,
                         const std::string& reason) const {
    throw InputError(code, std::string(kind), std::string(id), std::string(field),
                     std::string(value), reason, file_ + ":" + std::to_string(l.number));
  }
  double number(const Line& l, std::size_t i, const char* kind, const char* field) const {
    const auto id = [&] { return l.tokens.empty() ? std::string_view() : l.tokens[0]; };
    if (i >= l.tokens.size())
      fail(l, ErrorCode::missing_field, kind, id(), field, "", "missing value");
    const std::string_view t = l.tokens[i];
    double v = 0;
    if (!decimal_number(t, v))
      fail(l, ErrorCode::wrong_type, kind, id(), field, quoted_input(t), "expected a number");
    return v;
  }
  double optional_number(const Line& l, std::size_t i, const char* kind, const char* field,
                         double fallback) const {
    return i < l.tokens.size() ? number(l, i, kind, field) : fallback;
  }
  void need(const Line& l, std::size_t n, const char* kind, const char* what) const {
    if (l.tokens.size() < n)
      fail(l, ErrorCode::missing_field, kind, l.tokens.empty() ? "" : l.tokens[0], "", "",
           std::string("expected ") + what);
  }
  // A text file has no control characters but tabs (a NUL would end an id in HDF5 or C).
  [[noreturn]] void fail_control_character(const Line& l, std::string_view raw,
                                           std::size_t i) const {
    fail(l, ErrorCode::parse_error, "", "", "", quoted_input(raw.substr(i, 1)),
         "control character at column " + std::to_string(i + 1) + "; an .inp file is text");
  }
  // Time in seconds: "h", "h:mm", "h:mm:ss", decimal hours, optional unit or AM/PM.
  // `kind` and `id` name the time in errors: ("option", "PATTERN START"), ("control", link id).
  double time_value(const Line& l, std::size_t i, const char* kind, std::string_view id) const;

  // Records where an element came from, when the caller asked for a source map.
  void note_origin(const char* kind, std::string_view id, const char* epanet_kind, const Line& l) const {
    if (origins_)
      origins_->add(kind, std::string(id),
                    {epanet_kind, l.number, std::vector<std::string>(l.tokens.begin(), l.tokens.end())});
  }

  // ---- sections
  void tokenise(std::string_view text);
  // The nodes and links the sections hold (an upper bound: every data line one element).
  std::size_t section_lines(std::initializer_list<const char*> names);
  void refuse_unknown_sections();
  const std::vector<Line>& section(const char* name) { return sections_[name]; }
  // The line of the last [OPTIONS] entry with this key (line 0 if none), for errors.
  Line option_line(const char* key);

  void read_options();
  void derive_units();
  void read_times();
  void read_patterns();
  void read_curves();
  // Multiplier of pattern `id` at t = 0 (1 without a pattern); `l` and `kind` name the user.
  double factor(std::string_view id, const Line& l, const char* kind);

  void add_node(NodeState n, const Line& l);
  int find_node(std::string_view id, const Line& l, const char* kind, const char* field) const;
  void read_junctions();
  void read_reservoirs_and_tanks();
  void read_demands();
  void refuse_emitters();
  void read_coordinates();

  void add_link(LinkState s, const Line& l);
  int find_link(std::string_view id, const Line& l, const char* kind) const;
  void read_pipes();
  void read_pumps();
  void read_valves();
  // EPANET changestatus(): OPEN/CLOSED/number for pipes, pumps and valves.
  void apply_status(LinkState& s, std::string_view word, const Line& l, const char* kind,
                    bool from_control) const;
  void read_status();
  void apply_pump_patterns();
  double head_of(const NodeState& n);  // initial head (m) of a tank or reservoir
  void read_controls();
  // Whether a control line fires at t = 0 (nullopt: not evaluated, a note was added).
  std::optional<bool> control_fires(const Line& l, const LinkState& s);

  // ---- the definition
  std::string description();
  SettingsDefinition settings() const;
  void add_nodes(NetworkDefinition& def);
  CurvePoints to_points(std::string_view curve_id) const;
  void add_links(NetworkDefinition& def) const;
  PipeDefinition pipe(const LinkState& s) const;
  PumpDefinition pump(const LinkState& s) const;
  ValveDefinition valve(const LinkState& s) const;

  std::string file_;
  EpanetImportOptions options_;
  InpSourceMap* origins_;

  detail::DecodedText text_;             // the file as UTF-8; words_ and every id view into it
  std::vector<std::string_view> words_;  // the words of all data lines, line after line
  std::map<std::string, std::vector<Line>> sections_;
  std::vector<std::string> order_;  // section names in file order
  bool from_windows_1252_ = false;

  // [OPTIONS]
  std::string flow_units_ = "GPM", headloss_ = "H-W";
  std::string_view default_pattern_;
  double sg_ = 1.0, viscosity_value_ = 1.0, demand_multiplier_ = 1.0;
  bool viscosity_given_ = false;
  int trials_ = 200;
  Units units_;
  // [TIMES]
  double pattern_step_ = 3600, pattern_start_ = 0, clock_start_ = 0;
  double period_ = 0;  // pattern period at t = 0
  std::unordered_map<std::string_view, std::vector<double>> patterns_;
  std::unordered_map<std::string_view, std::vector<std::array<double, 2>>> curves_;

  std::vector<NodeState> nodes_;
  heatnet::detail::IdMap node_index_{0};  // sized in parse() once the sections are known
  std::vector<LinkState> links_;
  heatnet::detail::IdMap link_index_{0};
  std::vector<std::string> notes_;  // what the import did not evaluate (in the description)
};

double Parser::time_value(const Line& l, std::size_t i, const char* kind, std::string_view id) const {
  if (i >= l.tokens.size()) fail(l, ErrorCode::missing_field, kind, id, "time", "", "missing time");
  const std::string t(l.tokens[i]);
  double seconds = 0;
  if (t.find(':') != std::string::npos) {
    double parts[3] = {0, 0, 0};
    int n = 0;
    std::stringstream ss(t);
    std::string p;
    while (std::getline(ss, p, ':') && n < 3) {
      char* end = nullptr;
      parts[n] = std::strtod(p.c_str(), &end);
      if (end == p.c_str() || *end != '\0' || !std::isfinite(parts[n]))
        fail(l, ErrorCode::wrong_type, kind, id, "time", quoted_input(t), "expected a time h:mm[:ss]");
      ++n;
    }
    seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
  } else {
    seconds = number(l, i, kind, "time") * 3600.0;
    if (i + 1 < l.tokens.size()) {
      const std::string u = upper(l.tokens[i + 1]);
      if (starts_with_ci(u, "SEC")) seconds /= 3600.0;
      else if (starts_with_ci(u, "MIN")) seconds /= 60.0;
      else if (starts_with_ci(u, "DAY")) seconds *= 24.0;
    }
  }
  // EPANET refuses negative times (error 213); the upper bound keeps every later integer
  // conversion (pattern period) exact and defined.
  if (!(seconds >= 0 && seconds <= kMaxTimeS))
    fail(l, ErrorCode::invalid_value, kind, id, "time", quoted_input(t),
         "must be a time >= 0 and at most 1e10 s (317 years)");
  if (i + 1 < l.tokens.size()) {
    const std::string u = upper(l.tokens[i + 1]);
    if (u == "AM" && seconds >= 12 * 3600) seconds -= 12 * 3600;
    if (u == "PM" && seconds < 12 * 3600) seconds += 12 * 3600;
  }
  return seconds;
}

NetworkDefinition Parser::parse(std::string_view bytes) {
  text_ = detail::decode_utf8_or_windows_1252(bytes);
  from_windows_1252_ = text_.from_windows_1252;
  tokenise(text_.utf8);
  refuse_unknown_sections();
  const std::size_t node_lines = section_lines({"[JUNCTIONS]", "[RESERVOIRS]", "[TANKS]"});
  const std::size_t link_lines = section_lines({"[PIPES]", "[PUMPS]", "[VALVES]"});
  node_index_ = heatnet::detail::IdMap(node_lines);
  link_index_ = heatnet::detail::IdMap(link_lines);
  nodes_.reserve(node_lines);
  links_.reserve(link_lines);
  read_options();
  derive_units();
  read_times();
  read_patterns();
  read_curves();
  read_junctions();
  read_reservoirs_and_tanks();
  read_demands();
  refuse_emitters();
  read_coordinates();
  read_pipes();
  read_pumps();
  read_valves();
  read_status();
  apply_pump_patterns();
  read_controls();
  if (!section("[RULES]").empty())
    notes_.push_back("[RULES] not evaluated (EPANET evaluates rules only after the t = 0 solve)");

  NetworkDefinition def;
  def.name = std::filesystem::path(file_).stem().string();
  def.description = description();
  def.settings = settings();
  add_nodes(def);
  add_links(def);
  return def;
}

void Parser::tokenise(std::string_view text) {
  std::string current;
  std::vector<Line>* lines = nullptr;  // the current section's
  bool in_title = false;
  words_.reserve(text.size() / 8);
  int number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    Line line{number, {}, words_.size()};
    std::size_t control = 0;
    const std::size_t data_end = split_data_words(raw, words_, control);
    if (control != std::string_view::npos) fail_control_character(line, raw, control);
    raw = raw.substr(0, data_end);  // without the comment
    const std::size_t count = words_.size() - line.first_word;
    if (count == 0) {
      if (end == text.size()) break;
      continue;
    }
    const std::string_view first = words_[line.first_word];
    if (first[0] == '[') {
      words_.resize(line.first_word);  // a header is no data line
      current = upper(first);
      if (current.back() != ']')
        fail(line, ErrorCode::parse_error, "section", current, "", "", "malformed section header");
      if (!sections_.count(current)) order_.push_back(current);
      lines = &sections_[current];
      in_title = current == "[TITLE]";
      continue;
    }
    if (!lines)
      fail(line, ErrorCode::parse_error, "", "", "", quoted_input(first),
           "data before the first [SECTION] header");
    if (in_title) {  // a title line is one text: the whole line as its only word
      words_.resize(line.first_word);
      words_.push_back(raw);
    }
    line.word_count = words_.size() - line.first_word;
    lines->push_back(line);
    if (end == text.size()) break;
  }
  // The word list is complete (no more reallocation): point every line at its words.
  for (auto& [name, section] : sections_)
    for (Line& l : section) l.tokens = Words(words_.data() + l.first_word, l.word_count);
}

std::size_t Parser::section_lines(std::initializer_list<const char*> names) {
  std::size_t n = 0;
  for (const char* name : names) n += section(name).size();
  return n;
}

void Parser::refuse_unknown_sections() {
  static const char* kKnown[] = {
      "[TITLE]", "[JUNCTIONS]", "[RESERVOIRS]", "[TANKS]", "[PIPES]", "[PUMPS]", "[VALVES]",
      "[EMITTERS]", "[CURVES]", "[PATTERNS]", "[ENERGY]", "[STATUS]", "[CONTROLS]", "[RULES]",
      "[DEMANDS]", "[QUALITY]", "[REACTIONS]", "[SOURCES]", "[MIXING]", "[OPTIONS]", "[TIMES]",
      "[REPORT]", "[COORDINATES]", "[VERTICES]", "[LABELS]", "[BACKDROP]", "[TAGS]", "[END]",
      "[LEAKAGE]"};
  for (const auto& name : order_) {
    if (std::find_if(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return name == k; }) == std::end(kKnown)) {
      const auto& lines = sections_[name];
      Line l{lines.empty() ? 0 : lines.front().number, {}, {}};
      fail(l, ErrorCode::parse_error, "section", name, "", "", "unknown section");
    }
  }
}

Line Parser::option_line(const char* key) {
  Line l{0, {}, {}};
  for (const Line& o : section("[OPTIONS]"))
    if (upper(o.tokens[0]) == key) l = o;
  return l;
}

void Parser::read_options() {
  for (const Line& l : section("[OPTIONS]")) {
    const std::string key = upper(l.tokens[0]);
    const std::string key2 = l.tokens.size() > 1 ? upper(l.tokens[1]) : "";
    if (key == "UNITS") {
      need(l, 2, "option", "UNITS value");
      flow_units_ = key2;
    } else if (key == "HEADLOSS") {
      need(l, 2, "option", "HEADLOSS value");
      headloss_ = key2;
    } else if (key == "SPECIFIC" && key2 == "GRAVITY") {
      sg_ = number(l, 2, "option", "SPECIFIC GRAVITY");
      if (!(sg_ > 0)) fail(l, ErrorCode::invalid_value, "option", "SPECIFIC GRAVITY", "", l.tokens[2], "must be > 0");
    } else if (key == "VISCOSITY") {
      viscosity_value_ = number(l, 1, "option", "VISCOSITY");
      viscosity_given_ = true;
      if (!(viscosity_value_ > 0)) fail(l, ErrorCode::invalid_value, "option", "VISCOSITY", "", l.tokens[1], "must be > 0");
    } else if (key == "DEMAND" && key2 == "MULTIPLIER") {
      demand_multiplier_ = number(l, 2, "option", "DEMAND MULTIPLIER");
    } else if (key == "DEMAND" && key2 == "MODEL") {
      if (l.tokens.size() > 2 && upper(l.tokens[2]) != "DDA")
        fail(l, ErrorCode::unsupported, "option", "DEMAND MODEL", "", l.tokens[2],
             "pressure-driven demands (PDA) are not supported; only DDA");
    } else if (key == "PATTERN") {
      need(l, 2, "option", "PATTERN id");
      default_pattern_ = l.tokens[1];
    } else if (key == "TRIALS") {
      const double value = number(l, 1, "option", "TRIALS");
      if (!(value >= 1 && value <= kMaxTrials))
        fail(l, ErrorCode::invalid_value, "option", "TRIALS", "", l.tokens[1],
             "must be within 1..100000 (the most Newton iterations heatnet runs)");
      trials_ = static_cast<int>(value);  // EPANET truncates too
    }
    // other options (QUALITY, ACCURACY, UNBALANCED, CHECKFREQ, ...) do not change the
    // converged steady state.
  }
}

void Parser::derive_units() {
  static const std::unordered_map<std::string, double> kFlowPerCfs = {
      {"CFS", 1.0},     {"GPM", 448.831}, {"MGD", 0.64632}, {"IMGD", 0.5382}, {"AFD", 1.9837},
      {"LPS", 28.317},  {"LPM", 1699.0},  {"MLD", 2.4466},  {"CMH", 101.94},  {"CMD", 2446.6},
      {"CMS", 0.028317}};
  static const std::unordered_map<std::string, double> kExactSi = {
      {"LPS", 1e-3}, {"LPM", 1.0 / 60000.0}, {"MLD", 1.0 / 86.4}, {"CMH", 1.0 / 3600.0},
      {"CMD", 1.0 / 86400.0}, {"CMS", 1.0}};
  auto unit_it = kFlowPerCfs.find(flow_units_);
  if (unit_it == kFlowPerCfs.end())
    fail(option_line("UNITS"), ErrorCode::invalid_value, "option", "UNITS", "", flow_units_,
         "unknown flow units; expected CFS, GPM, MGD, IMGD, AFD, LPS, LPM, MLD, CMH, CMD or CMS");
  Units& u = units_;
  u.us = flow_units_ == "CFS" || flow_units_ == "GPM" || flow_units_ == "MGD" ||
         flow_units_ == "IMGD" || flow_units_ == "AFD";
  u.flow_to_m3s = kCfsToM3s / unit_it->second;
  if (!u.us && options_.exact_si_flow_units) u.flow_to_m3s = kExactSi.at(flow_units_);
  u.len = u.us ? kFt : 1.0;
  u.diam = u.us ? 0.0254 : 1e-3;
  u.rough_mm = u.us ? kFt : 1.0;
  u.rho = 1000.0 * sg_;
  u.mass = u.flow_to_m3s * u.rho;
  u.pressure_to_Pa = u.us ? u.rho * kGravity * kFt / (kPsiPerFt * sg_) : u.rho * kGravity / sg_;
  u.viscosity = kViscosityFt2s * kFt * kFt;
  if (viscosity_given_)
    u.viscosity = viscosity_value_ > 1e-3 ? viscosity_value_ * u.viscosity
                                          : viscosity_value_ * (u.us ? kFt * kFt : 1.0);
  if (headloss_ == "H-W") {
    u.friction = FrictionModel::hazen_williams;
  } else if (headloss_ == "D-W") {
    u.friction = FrictionModel::epanet_darcy_weisbach;
  } else {
    const Line l = option_line("HEADLOSS");
    if (headloss_ == "C-M")
      fail(l, ErrorCode::unsupported, "option", "HEADLOSS", "", headloss_,
           "Chezy-Manning head loss is not supported yet (use H-W or D-W)");
    fail(l, ErrorCode::invalid_value, "option", "HEADLOSS", "", headloss_, "expected H-W, D-W or C-M");
  }
}

void Parser::read_times() {
  for (const Line& l : section("[TIMES]")) {
    const std::string key = upper(l.tokens[0]);
    const std::string key2 = l.tokens.size() > 1 ? upper(l.tokens[1]) : "";
    if (key == "PATTERN" && key2 == "TIMESTEP") {
      pattern_step_ = time_value(l, 2, "option", "PATTERN TIMESTEP");
      if (pattern_step_ > 0 && pattern_step_ < 1)  // EPANET counts whole seconds
        fail(l, ErrorCode::invalid_value, "option", "PATTERN TIMESTEP", "", l.tokens[2],
             "must be at least 1 s");
    }
    else if (key == "PATTERN" && key2 == "START") pattern_start_ = time_value(l, 2, "option", "PATTERN START");
    else if (key == "START" && key2 == "CLOCKTIME") clock_start_ = time_value(l, 2, "option", "START CLOCKTIME");
  }
  if (!(pattern_step_ > 0)) pattern_step_ = 3600;
  // Pattern period at t = 0; start and step are >= 0 and bounded (time_value), so the period is
  // a non-negative whole number far below 2^53 and fmod picks the multiplier exactly.
  period_ = std::floor(pattern_start_ / pattern_step_);
}

void Parser::read_patterns() {
  for (const Line& l : section("[PATTERNS]")) {
    auto& p = patterns_[l.tokens[0]];
    for (std::size_t i = 1; i < l.tokens.size(); ++i) p.push_back(number(l, i, "pattern", "multiplier"));
  }
  if (default_pattern_.empty() && patterns_.count("1")) default_pattern_ = "1";
  if (!default_pattern_.empty() && !patterns_.count(default_pattern_)) default_pattern_ = {};
}

double Parser::factor(std::string_view id, const Line& l, const char* kind) {
  if (id.empty()) return 1.0;
  auto it = patterns_.find(id);
  if (it == patterns_.end())
    fail(l, ErrorCode::unknown_reference, kind, l.tokens[0], "pattern", quoted_input(id),
         "no pattern with this id");
  const std::vector<double>& multipliers = it->second;
  if (multipliers.empty()) return 1.0;
  const double index = std::fmod(period_, static_cast<double>(multipliers.size()));
  return multipliers[static_cast<std::size_t>(index)];
}

void Parser::read_curves() {
  for (const Line& l : section("[CURVES]")) {
    need(l, 3, "curve", "id, x and y");
    curves_[l.tokens[0]].push_back({number(l, 1, "curve", "x"), number(l, 2, "curve", "y")});
  }
}

// ---- nodes

void Parser::add_node(NodeState n, const Line& l) {
  if (!node_index_.insert(n.id, static_cast<int>(nodes_.size())))
    fail(l, ErrorCode::duplicate_id, "node", n.id, "id", "", "duplicate node id");
  const char* epanet_kind = n.kind == NodeState::junction ? "junction"
                            : n.kind == NodeState::reservoir ? "reservoir" : "tank";
  note_origin("node", n.id, epanet_kind, l);
  if (n.kind != NodeState::junction) note_origin("pressure_node", n.id, epanet_kind, l);
  nodes_.push_back(std::move(n));
}

int Parser::find_node(std::string_view id, const Line& l, const char* kind,
                      const char* field) const {
  const int i = node_index_.find(id);
  if (i < 0)
    fail(l, ErrorCode::unknown_reference, kind, l.tokens[0], field, quoted_input(id),
         "no node with this id");
  return i;
}

void Parser::read_junctions() {
  for (const Line& l : section("[JUNCTIONS]")) {
    need(l, 2, "junction", "id and elevation");
    NodeState n = make_node(NodeState::junction, l);
    n.elevation = number(l, 1, "junction", "elevation");
    if (l.tokens.size() > 2) {
      const double base = number(l, 2, "junction", "demand");
      n.demands.push_back({base, l.tokens.size() > 3 ? l.tokens[3] : ""});
    }
    add_node(std::move(n), l);
  }
}

// EPANET numbers tanks and reservoirs in order of appearance; sections in file order.
void Parser::read_reservoirs_and_tanks() {
  for (const auto& name : order_) {
    if (name != "[RESERVOIRS]" && name != "[TANKS]") continue;
    for (const Line& l : sections_[name]) {
      if (name == "[RESERVOIRS]") {
        need(l, 2, "reservoir", "id and head");
        NodeState n = make_node(NodeState::reservoir, l);
        n.elevation = number(l, 1, "reservoir", "head");
        if (l.tokens.size() > 2) n.pattern = l.tokens[2];
        add_node(std::move(n), l);
      } else {
        need(l, 6, "tank", "id, elevation, initial, minimum and maximum level, diameter");
        NodeState n = make_node(NodeState::tank, l);
        n.elevation = number(l, 1, "tank", "elevation");
        n.init_level = number(l, 2, "tank", "initial level");
        n.min_level = number(l, 3, "tank", "minimum level");
        n.max_level = number(l, 4, "tank", "maximum level");
        if (n.init_level > n.max_level || n.init_level < n.min_level)
          fail(l, ErrorCode::invalid_value, "tank", n.id, "initial level", l.tokens[2],
               "must lie between the minimum and maximum level (EPANET error 225)");
        add_node(std::move(n), l);
      }
    }
  }
}

void Parser::read_demands() {
  for (const Line& l : section("[DEMANDS]")) {
    need(l, 2, "demand", "junction id and base demand");
    const int i = find_node(l.tokens[0], l, "demand", "junction");
    NodeState& n = nodes_[i];
    if (n.kind != NodeState::junction)
      fail(l, ErrorCode::invalid_value, "demand", l.tokens[0], "junction", "", "not a junction");
    if (!n.demands_from_section) {
      n.demands.clear();
      n.demands_from_section = true;
    }
    n.demands.push_back({number(l, 1, "demand", "base demand"), l.tokens.size() > 2 ? l.tokens[2] : ""});
  }
}

void Parser::refuse_emitters() {
  for (const Line& l : section("[EMITTERS]")) {
    need(l, 2, "emitter", "junction id and coefficient");
    if (number(l, 1, "emitter", "coefficient") != 0.0)
      fail(l, ErrorCode::unsupported, "emitter", l.tokens[0], "coefficient", l.tokens[1],
           "emitters (pressure-dependent outflow) are not supported");
  }
}

void Parser::read_coordinates() {
  for (const Line& l : section("[COORDINATES]")) {
    if (l.tokens.size() < 3) continue;
    const int i = node_index_.find(l.tokens[0]);
    if (i < 0) continue;
    nodes_[i].x = number(l, 1, "coordinate", "x");
    nodes_[i].y = number(l, 2, "coordinate", "y");
  }
}

// ---- links

void Parser::add_link(LinkState s, const Line& l) {
  find_node(s.from, l, "link", "from node");
  find_node(s.to, l, "link", "to node");
  if (!link_index_.insert(s.id, static_cast<int>(links_.size())))
    fail(l, ErrorCode::duplicate_id, "link", s.id, "id", "", "duplicate link id");
  const char* kind = s.type == LinkType::pipe || s.type == LinkType::cvpipe ? "pipe"
                     : s.type == LinkType::pump ? "pump" : "valve";
  note_origin(kind, s.id, kind, l);
  links_.push_back(std::move(s));
}

int Parser::find_link(std::string_view id, const Line& l, const char* kind) const {
  const int i = link_index_.find(id);
  if (i < 0)
    fail(l, ErrorCode::unknown_reference, kind, id, "link", quoted_input(id), "no link with this id");
  return i;
}

void Parser::read_pipes() {
  for (const Line& l : section("[PIPES]")) {
    need(l, 6, "pipe", "id, nodes, length, diameter and roughness");
    LinkState s = make_link(LinkType::pipe, l);
    s.length = number(l, 3, "pipe", "length");
    s.diameter = number(l, 4, "pipe", "diameter");
    s.roughness = number(l, 5, "pipe", "roughness");
    std::size_t next = 6;
    double ignored = 0;
    if (l.tokens.size() > 6 && strtod_whole_word(l.tokens[6], ignored))  // else it is the status
      s.minor_loss = number(l, 6, "pipe", "minor loss"), next = 7;
    if (next < l.tokens.size()) {
      const std::string st = upper(l.tokens[next]);
      if (st == "CV") s.type = LinkType::cvpipe;
      else if (st == "CLOSED") s.status = 'C';
      else if (st != "OPEN")
        fail(l, ErrorCode::invalid_value, "pipe", s.id, "status", l.tokens[next],
             "expected OPEN, CLOSED or CV");
    }
    add_link(std::move(s), l);
  }
}

void Parser::read_pumps() {
  for (const Line& l : section("[PUMPS]")) {
    need(l, 3, "pump", "id and nodes");
    LinkState s = make_link(LinkType::pump, l);
    for (std::size_t i = 3; i + 1 < l.tokens.size(); i += 2) {
      const std::string key = upper(l.tokens[i]);
      if (key == "HEAD") s.curve = l.tokens[i + 1];
      else if (key == "POWER") s.power = number(l, i + 1, "pump", "POWER");
      else if (key == "SPEED") s.setting = number(l, i + 1, "pump", "SPEED");
      else if (key == "PATTERN") s.pattern = l.tokens[i + 1];
      else
        fail(l, ErrorCode::invalid_value, "pump", s.id, "keyword", l.tokens[i],
             "expected HEAD, POWER, SPEED or PATTERN");
    }
    if (s.curve.empty() && !s.power)
      fail(l, ErrorCode::missing_field, "pump", s.id, "HEAD", "", "a pump needs HEAD curve or POWER");
    if (!s.curve.empty() && !curves_.count(s.curve))
      fail(l, ErrorCode::unknown_reference, "pump", s.id, "HEAD", quoted_input(s.curve),
           "no curve with this id");
    if (s.setting == 0.0) s.status = 'C';
    add_link(std::move(s), l);
  }
}

void Parser::read_valves() {
  static const std::unordered_map<std::string, LinkType> kTypes = {
      {"PRV", LinkType::prv}, {"PSV", LinkType::psv}, {"PBV", LinkType::pbv},
      {"FCV", LinkType::fcv}, {"TCV", LinkType::tcv}, {"GPV", LinkType::gpv},
      {"PCV", LinkType::pcv}};
  for (const Line& l : section("[VALVES]")) {
    need(l, 6, "valve", "id, nodes, diameter, type and setting");
    LinkState s = make_link(LinkType::prv, l);
    s.diameter = number(l, 3, "valve", "diameter");
    const std::string type = upper(l.tokens[4]);
    auto t = kTypes.find(type);
    if (t == kTypes.end())
      fail(l, ErrorCode::invalid_value, "valve", s.id, "type", l.tokens[4],
           "expected PRV, PSV, PBV, FCV, TCV, GPV or PCV");
    s.type = t->second;
    if (s.type == LinkType::pcv)
      fail(l, ErrorCode::unsupported, "valve", s.id, "type", "PCV",
           "positional control valves (EPANET 2.3) are not supported");
    if (s.type == LinkType::gpv) {
      s.curve = l.tokens[5];
      if (!curves_.count(s.curve))
        fail(l, ErrorCode::unknown_reference, "valve", s.id, "setting", quoted_input(s.curve),
             "no curve with this id (a GPV's setting is its head-loss curve)");
    } else {
      s.setting = number(l, 5, "valve", "setting");
    }
    s.minor_loss = optional_number(l, 6, "valve", "minor loss", 0.0);
    s.status = 'A';
    add_link(std::move(s), l);
  }
}

bool is_valve(LinkType t) { return t >= LinkType::prv; }

void Parser::apply_status(LinkState& s, std::string_view word, const Line& l, const char* kind,
                          bool from_control) const {
  const std::string w = upper(word);
  if (w == "OPEN" || w == "CLOSED") {
    const char c = w[0];
    if (s.type == LinkType::pump) {
      if (c == 'O') s.setting = 1.0;
      else if (from_control) s.setting = 0.0;
    }
    s.status = c;
    return;
  }
  if (w == "ACTIVE") {
    if (is_valve(s.type)) s.status = 'A';
    return;
  }
  double v = 0;
  if (!strtod_whole_word(word, v))
    fail(l, ErrorCode::invalid_value, kind, s.id, "status", word,
         "expected OPEN, CLOSED, ACTIVE or a setting");
  // inf or nan (strtod reads them) would only fail later, in the network's build, at the
  // link's own line rather than this one
  if (!std::isfinite(v))
    fail(l, ErrorCode::invalid_value, kind, s.id, "setting", word, "must be a finite number");
  if (s.type == LinkType::pump) {
    if (v < 0) fail(l, ErrorCode::invalid_value, kind, s.id, "speed", word, "must be >= 0");
    s.setting = v;
    s.status = v == 0.0 ? 'C' : 'O';
  } else if (is_valve(s.type)) {
    if (s.type == LinkType::gpv)
      fail(l, ErrorCode::invalid_value, kind, s.id, "setting", word, "a GPV takes no numeric setting");
    s.setting = v;
    s.status = 'A';
  } else if (from_control) {
    s.status = v == 0.0 ? 'C' : 'O';
  }
}

void Parser::read_status() {
  for (const Line& l : section("[STATUS]")) {
    need(l, 2, "status", "link id and status");
    LinkState& s = links_[find_link(l.tokens[0], l, "status")];
    if (s.type == LinkType::cvpipe) continue;  // EPANET ignores status changes of CVs
    apply_status(s, l.tokens[1], l, "status", false);
  }
}

// Pump speed patterns at t = 0 (EPANET demands(): setlinksetting).
void Parser::apply_pump_patterns() {
  for (LinkState& s : links_) {
    if (s.type != LinkType::pump || s.pattern.empty()) continue;
    const Line l = id_line(s.line, s.id);
    const double v = factor(s.pattern, l, "pump");
    s.setting = v;
    if (v > 0 && s.status == 'C') s.status = 'O';
    if (v == 0 && s.status != 'C') s.status = 'C';
  }
}

double Parser::head_of(const NodeState& n) {
  if (n.kind == NodeState::tank) return (n.elevation + n.init_level) * units_.len;
  if (n.kind == NodeState::reservoir) {
    const Line l = id_line(n.line, n.id);
    return n.elevation * factor(n.pattern, l, "reservoir") * units_.len;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void Parser::read_controls() {
  for (const Line& l : section("[CONTROLS]")) {
    // LINK id setting AT TIME t | AT CLOCKTIME t [AM/PM] | IF NODE id ABOVE/BELOW v
    need(l, 6, "control", "LINK id setting AT|IF ...");
    if (upper(l.tokens[0]) != "LINK")
      fail(l, ErrorCode::parse_error, "control", "", "", l.tokens[0], "expected LINK");
    LinkState& s = links_[find_link(l.tokens[1], l, "control")];
    const std::optional<bool> fires = control_fires(l, s);
    if (fires && *fires) apply_status(s, l.tokens[2], l, "control", true);
  }
}

std::optional<bool> Parser::control_fires(const Line& l, const LinkState& s) {
  const std::string w3 = upper(l.tokens[3]);
  if (w3 == "AT") {
    const std::string w4 = upper(l.tokens[4]);
    const double t = time_value(l, 5, "control", l.tokens[1]);
    if (w4 == "TIME") return t == 0.0;
    if (w4 == "CLOCKTIME") return std::fmod(clock_start_, 86400.0) == std::fmod(t, 86400.0);
    fail(l, ErrorCode::parse_error, "control", s.id, "", l.tokens[4], "expected TIME or CLOCKTIME");
  }
  if (w3 != "IF") fail(l, ErrorCode::parse_error, "control", s.id, "", l.tokens[3], "expected AT or IF");
  need(l, 8, "control", "IF NODE id ABOVE|BELOW value");
  const int ni = find_node(l.tokens[5], l, "control", "node");
  const std::string cmp = upper(l.tokens[6]);
  const double value = number(l, 7, "control", "value");
  const NodeState& n = nodes_[ni];
  if (cmp != "ABOVE" && cmp != "BELOW")
    fail(l, ErrorCode::parse_error, "control", s.id, "", l.tokens[6], "expected ABOVE or BELOW");
  if (n.kind == NodeState::junction) {
    notes_.push_back(file_ + ":" + std::to_string(l.number) +
                     ": junction-pressure control not evaluated (steady import)");
    return std::nullopt;
  }
  const double h = head_of(n);
  // EPANET: grade = elevation (reservoir: its head) + level
  const double grade = (n.elevation + value) * units_.len;
  return cmp == "BELOW" ? h <= grade : h >= grade;
}

// ---- the definition

std::string Parser::description() {
  std::string title;
  for (const Line& l : section("[TITLE]")) {
    std::string t(l.tokens.empty() ? std::string_view() : l.tokens[0]);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    if (!t.empty()) title += (title.empty() ? "" : "\n") + t;
  }
  std::string d = "Imported from EPANET " + std::filesystem::path(file_).filename().string() +
                  " (t = 0, " + flow_units_ + ", " + headloss_ + ")";
  if (from_windows_1252_) d += "\nText read as Windows-1252 (Latin-1): not valid UTF-8";
  for (const auto& n : notes_) d += "\n" + n;
  return title.empty() ? d : title + "\n" + d;
}

SettingsDefinition Parser::settings() const {
  SettingsDefinition st;
  st.fluid.is_water = false;
  st.fluid.density_kg_m3 = units_.rho;
  st.fluid.kinematic_viscosity_m2_s = units_.viscosity;
  st.fluid.specific_heat_J_kgK = 4186.0;
  st.friction = units_.friction;
  st.temperature_C = 20.0;
  st.ambient_temperature_C = 20.0;
  st.gravity_m_s2 = kGravity;
  st.max_iterations = std::max(trials_, 200);
  // Zero-flow Hazen-Williams pipes sit on EPANET's low-flow line (gradient RQTOL), a huge
  // conductance: their flows carry round-off noise of ~1e-7 of the largest flow (EPANET stalls
  // there too). Newton converges quadratically, so stopping at 1e-6 leaves ~1e-12.
  st.tolerance_mass_flow_rel = 1e-6;
  st.closed_link_resistance_Pa_s_kg = 1e8 * kFt / kCfsToM3s * kGravity;  // EPANET's CBIG
  return st;
}

void Parser::add_nodes(NetworkDefinition& def) {
  const Units& u = units_;
  def.nodes.reserve(nodes_.size());
  for (const NodeState& n : nodes_) {
    NodeDefinition nd;
    nd.id = std::string(n.id);
    nd.x = n.x;
    nd.y = n.y;
    const Line l = id_line(n.line, n.id);
    if (n.kind == NodeState::junction) {
      nd.elevation_m = n.elevation * u.len;
      double q = 0;
      for (const auto& dm : n.demands) {
        const std::string_view pat = dm.pattern.empty() ? default_pattern_ : dm.pattern;
        q += dm.base * factor(pat, l, "junction");
      }
      nd.demand_kg_s = q * demand_multiplier_ * u.mass;
    } else if (n.kind == NodeState::reservoir) {
      nd.elevation_m = head_of(n);
      def.pressure_nodes.push_back({std::string(n.id), 0.0, 20.0});
    } else {
      nd.elevation_m = n.elevation * u.len;
      PressureNodeDefinition p{std::string(n.id), u.rho * kGravity * n.init_level * u.len / 1e5, 20.0};
      // EPANET: full when head >= Hmax - HTOL, empty when head <= Hmin + HTOL
      const double htol = u.us ? kHtolFt : kHtolFt * kFt;
      p.no_inflow = n.init_level >= n.max_level - htol;
      p.no_outflow = n.init_level <= n.min_level + htol;
      def.pressure_nodes.push_back(p);
    }
    def.nodes.push_back(std::move(nd));
  }
}

CurvePoints Parser::to_points(std::string_view curve_id) const {
  CurvePoints pts;
  for (const auto& p : curves_.at(curve_id))
    pts.push_back({p[0] * units_.flow_to_m3s * 3600.0, p[1] * units_.len});
  return pts;
}

void Parser::add_links(NetworkDefinition& def) const {
  std::size_t pipes = 0;
  for (const LinkState& s : links_) pipes += s.type == LinkType::pipe || s.type == LinkType::cvpipe;
  def.pipes.reserve(pipes);
  for (const LinkState& s : links_) {
    if (s.type == LinkType::pipe || s.type == LinkType::cvpipe) def.pipes.push_back(pipe(s));
    else if (s.type == LinkType::pump) def.pumps.push_back(pump(s));
    else def.valves.push_back(valve(s));
  }
}

PipeDefinition Parser::pipe(const LinkState& s) const {
  PipeDefinition p;
  p.id = std::string(s.id);
  p.from = std::string(s.from);
  p.to = std::string(s.to);
  p.length_m = s.length * units_.len;
  p.inner_diameter_m = s.diameter * units_.diam;
  p.minor_loss = s.minor_loss * kMinorLossFactor;
  if (units_.friction == FrictionModel::hazen_williams) {
    p.roughness_mm = 0.0;
    p.hazen_williams_c = s.roughness;
  } else {
    p.roughness_mm = s.roughness * units_.rough_mm;
  }
  p.check_valve = s.type == LinkType::cvpipe;
  p.closed = s.status == 'C';
  return p;
}

PumpDefinition Parser::pump(const LinkState& s) const {
  PumpDefinition p;
  p.id = std::string(s.id);
  p.from = std::string(s.from);
  p.to = std::string(s.to);
  p.curve_kind = PumpCurveKind::epanet;
  if (!s.curve.empty()) p.points_m3_h_m = to_points(s.curve);
  else p.power_kW = *s.power * (units_.us ? kHpToKw : 1.0);
  p.speed = s.setting;
  p.closed = s.status == 'C' || s.setting == 0.0;
  return p;
}

ValveDefinition Parser::valve(const LinkState& s) const {
  const Units& u = units_;
  ValveDefinition v;
  v.id = std::string(s.id);
  v.from = std::string(s.from);
  v.to = std::string(s.to);
  v.inner_diameter_m = s.diameter * u.diam;
  v.minor_loss = s.minor_loss * kMinorLossFactor;
  v.closed = s.status == 'C';
  if (s.status == 'O') {
    v.type = ValveType::open;
    return v;
  }
  switch (s.type) {
    case LinkType::prv: v.type = ValveType::prv; v.setting_bar = s.setting * u.pressure_to_Pa / 1e5; break;
    case LinkType::psv: v.type = ValveType::psv; v.setting_bar = s.setting * u.pressure_to_Pa / 1e5; break;
    case LinkType::pbv: v.type = ValveType::pbv; v.setting_bar = s.setting * u.pressure_to_Pa / 1e5; break;
    case LinkType::fcv: v.type = ValveType::fcv; v.mass_flow_kg_s = s.setting * u.mass; break;
    case LinkType::tcv: v.type = ValveType::tcv; v.minor_loss = s.setting * kMinorLossFactor; break;
    case LinkType::gpv: v.type = ValveType::gpv; v.curve_m3_h_m = to_points(s.curve); break;
    default: break;
  }
  return v;
}

}  // namespace

NetworkDefinition parse_epanet_inp(std::string_view text, const std::string& file_name,
                                   const EpanetImportOptions& options) {
  return Parser(file_name, options).parse(text);
}

NetworkDefinition parse_epanet_inp_with_origins(std::string_view text, const std::string& file_name,
                                                const EpanetImportOptions& options,
                                                InpSourceMap& origins) {
  origins.file = file_name;
  return Parser(file_name, options, &origins).parse(text);
}

NetworkDefinition read_epanet_inp(const std::filesystem::path& path,
                                  const EpanetImportOptions& options) {
  const json_detail::FileBytes bytes = json_detail::read_file_bytes(path);
  NetworkDefinition def = parse_epanet_inp(bytes, path.string(), options);
  return def;
}

NetworkDefinition read_epanet_inp_with_origins(const std::filesystem::path& path,
                                               const EpanetImportOptions& options,
                                               InpSourceMap& origins) {
  return parse_epanet_inp_with_origins(json_detail::read_file_bytes(path), path.string(), options,
                                       origins);
}

}  // namespace heatnet::io
