#include "io/json_strict_parse.hpp"

#include <algorithm>
#include <vector>

#include "heatnet/errors.hpp"

namespace heatnet::io::json_detail {
namespace {

// nlohmann's reason text with the input it quotes: at most this many characters.
constexpr std::size_t kMaxParseReasonChars = 400;

[[noreturn]] void parse_fail(std::string path, std::string reason) {
  throw InputError(ErrorCode::parse_error, "", "", "", "", std::move(reason), std::move(path));
}

// Line and column (1-based) of byte offset `pos`, as an editor shows them.
std::string line_column(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < pos; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(pos - line_start + 1);
}

// nlohmann's text without its "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix (we compose our own position).
std::string nlohmann_reason(const std::string& what) {
  std::string r = what;
  if (auto p = r.find("] "); r.rfind("[json.exception", 0) == 0 && p != std::string::npos)
    r.erase(0, p + 2);
  if (r.rfind("parse error", 0) == 0)
    if (auto p = r.find(": "); p != std::string::npos) r.erase(0, p + 2);
  // the token it last read is input: quoted like any input (a run of 250 newlines made a
  // 2 kB message)
  // ("...; last read: '<token>'" at the end or before nlohmann's "; expected ..."). The token
  // is input and may itself contain "'; expected": the whole reason is also cut (escaped) at
  // kMaxParseReasonChars, so no input makes it unbounded.
  constexpr std::string_view kLastRead = "last read: '";
  if (const auto p = r.find(kLastRead); p != std::string::npos) {
    const std::size_t begin = p + kLastRead.size();
    std::size_t end = r.rfind("'; expected");
    if (end == std::string::npos || end < begin) end = r.rfind('\'');
    if (end != std::string::npos && end >= begin)
      r = r.substr(0, p) + "last read: " +
          quoted_input(std::string_view(r).substr(begin, end - begin)) + r.substr(end + 1);
  }
  return shown_input(printable(r), kMaxParseReasonChars);
}

using DomParser = nlohmann::detail::json_sax_dom_parser<Json>;

// The DOM builder plus the bookkeeping nlohmann leaves out. Hides (does not override) the
// base methods: sax_parse is a template over the handler type, so these are the ones called.
class StrictSax : public DomParser {
 public:
  StrictSax(Json& root, std::string_view text) : DomParser(root, true), text_(text) {}

  bool null() { return on_value() && DomParser::null(); }
  bool boolean(bool v) { return on_value() && DomParser::boolean(v); }
  bool number_integer(number_integer_t v) { return on_value() && DomParser::number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return on_value() && DomParser::number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) {
    return on_value() && DomParser::number_float(v, s);
  }
  bool string(string_t& v) { return on_value() && DomParser::string(v); }
  bool binary(binary_t& v) { return on_value() && DomParser::binary(v); }

  bool start_object(std::size_t n) {
    on_value();
    push(true);
    return DomParser::start_object(n);
  }
  bool start_array(std::size_t n) {
    on_value();
    push(false);
    return DomParser::start_array(n);
  }
  bool end_object() {
    frames_.pop_back();
    return DomParser::end_object();
  }
  bool end_array() {
    frames_.pop_back();
    return DomParser::end_array();
  }
  bool key(string_t& k) {
    Frame& f = frames_.back();
    if (std::find(f.keys.begin(), f.keys.end(), k) != f.keys.end())
      parse_fail(display(raw_path(frames_.size() - 1) + path_key(k)),
                 "duplicate key (each key may appear once per object)");
    if (f.keys.size() >= kMaxObjectKeys)
      parse_fail(display(raw_path(frames_.size() - 1)),
                 "more than " + std::to_string(kMaxObjectKeys) + " keys in one object");
    f.keys.push_back(k);
    return DomParser::key(k);
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*token*/, const Exception& ex) {
    std::string reason = nlohmann_reason(ex.what());
    if (ex.id == 406) reason += " (numbers must fit a double, |x| < 1.8e308)";
    parse_fail(line_column(text_, position > 0 ? position - 1 : 0), std::move(reason));
  }

 private:
  struct Frame {
    bool is_object = false;
    std::size_t next_index = 0;     // arrays: index of the next element
    std::vector<std::string> keys;  // objects: keys so far, the last is the current one
  };

  bool on_value() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().next_index;
    return true;
  }
  void push(bool is_object) {
    if (frames_.size() >= kMaxNesting)
      parse_fail(display(raw_path(frames_.size())),
                 "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
    frames_.push_back(Frame{is_object, 0, {}});
  }
  // Path of the value currently being read inside frames_[0..depth).
  std::string raw_path(std::size_t depth) const {
    std::string p;
    for (std::size_t i = 0; i < depth && i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.is_object) {
        if (!f.keys.empty()) p += path_key(f.keys.back());
      } else if (f.next_index > 0) {
        p.append("[").append(std::to_string(f.next_index - 1)).append("]");
      }
    }
    return p;
  }
  static std::string display(std::string p) {
    if (!p.empty() && p[0] == '.') p.erase(0, 1);
    if (p.size() > 80) {  // deep nesting: the start locates it
      std::size_t cut = 60;
      while (cut > 0 && (static_cast<unsigned char>(p[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
      p = p.substr(0, cut) + "...";
    }
    return p.empty() ? "(top level)" : p;
  }

  std::string_view text_;
  std::vector<Frame> frames_;
};

}  // namespace

std::string printable(std::string_view text) { return shown_input(text, std::string_view::npos); }

std::string path_key(std::string_view key) {
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  const std::string shown = shown_input(key);
  if (plain) return std::string(".").append(shown);  // not "." + ...: GCC 12 -Wrestrict noise
  std::string quoted = "[\"";
  for (char c : shown) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"]";
}

Json parse_strict(std::string_view text) {
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }))
    parse_fail("line 1, column 1", "the document is empty (expected a JSON object)");
  Json root;
  StrictSax sax(root, text);
  // Iterator input: embedded NUL bytes are data (and then a syntax error), not the end.
  Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json, true);
  return root;
}

}  // namespace heatnet::io::json_detail
