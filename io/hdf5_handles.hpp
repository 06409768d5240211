// Thin RAII layer over the HDF5 C API (HighFive is not packaged in Debian bookworm).
//
// * Every handle (file, group, dataset, dataspace, attribute, property list, datatype) is a
//   move-only owner that closes itself, so no error path leaks an id or keeps a file open.
// * Every failing HDF5 call throws heatnet::IoError naming the file and the object; a missing
//   object or a wrong kind of object (a malformed file) is InputError(parse_error). The file
//   name comes from the innermost `Session`, which also silences HDF5's automatic error-stack
//   printing for its scope (heatnet reports errors as exceptions; a library must not write to
//   stderr). The library is built thread-safe on Debian, so both settings are per thread.
// * Strings are variable-length UTF-8, which h5py reads as `str` (attributes) or, via
//   `.asstr()`, as str arrays (datasets).
//
// Only the handful of operations the results writer and reader need; not a general binding.
#pragma once
#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "heatnet/errors.hpp"

namespace heatnet::io::h5 {

// ---------------------------------------------------------------------------------------------
// Error context

// Scope of HDF5 work on one file: names the file in errors and silences HDF5's own printing.
class Session {
 public:
  explicit Session(std::string file) : file_(std::move(file)), outer_(current()) {
    H5Eget_auto2(H5E_DEFAULT, &saved_func_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    current() = this;
  }
  ~Session() {
    current() = outer_;
    H5Eset_auto2(H5E_DEFAULT, saved_func_, saved_data_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  static const std::string& file_name() {
    static const std::string unknown = "?";
    return current() ? current()->file_ : unknown;
  }

 private:
  static Session*& current() {
    thread_local Session* session = nullptr;
    return session;
  }
  std::string file_;
  Session* outer_;
  H5E_auto2_t saved_func_ = nullptr;
  void* saved_data_ = nullptr;
};

namespace detail {
// The innermost message of the current HDF5 error stack ("unable to open file", ...), so the
// exception says why, not only which call. Must run right after the failing call: every HDF5
// API call clears the stack.
inline std::string hdf5_reason() {
  std::string reason;
  auto walk = [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
    if (e->desc && *e->desc) *static_cast<std::string*>(out) = e->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk, &reason);
  return reason;
}

// Path of an open object ("/pipes"), for messages.
inline std::string object_name(hid_t id) {
  char buf[512];
  const ssize_t n = H5Iget_name(id, buf, sizeof buf);
  return n > 0 ? std::string(buf, std::min<std::size_t>(n, sizeof buf - 1)) : std::string("?");
}

inline std::string child_name(hid_t parent, std::string_view name) {
  std::string p = object_name(parent);
  if (p.empty() || p.back() != '/') p += '/';
  return p + std::string(name);
}
}  // namespace detail

// Throws IoError: "results file 'out.h5': /pipes/mass_flow; cannot write: <HDF5's reason>".
[[noreturn]] inline void fail(std::string_view object, std::string_view what) {
  std::string reason(what);
  if (std::string hdf5 = detail::hdf5_reason(); !hdf5.empty()) reason += ": " + hdf5;
  throw IoError(ErrorCode::io_error, "results file", Session::file_name(), std::string(object),
                "", reason);
}

// `object` names what failed: a string, or a callable returning one. A path costs an
// H5Iget_name walk, so the writer's hot paths pass a lambda and pay only when a call fails.
template <class Name>
std::string name_of(const Name& object) {
  if constexpr (std::is_invocable_v<const Name&>) return object();
  else return std::string(object);
}

template <class Name>
hid_t check_id(hid_t id, const Name& object, std::string_view what) {
  if (id < 0) fail(name_of(object), what);
  return id;
}
template <class Name>
void check(herr_t status, const Name& object, std::string_view what) {
  if (status < 0) fail(name_of(object), what);
}

// ---------------------------------------------------------------------------------------------
// Handles

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Destructor path: errors ignored (nothing useful can be done while unwinding).
  void reset() {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }
  // Explicit close whose failure matters (a file close flushes; disk full shows here).
  template <class Name>
  void close(const Name& object) {
    if (id_ < 0) return;
    const herr_t status = Close(std::exchange(id_, H5I_INVALID_HID));
    check(status, object, "cannot close");
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Space = Handle<H5Sclose>;
using Attribute = Handle<H5Aclose>;
using PropList = Handle<H5Pclose>;
using Type = Handle<H5Tclose>;

// ---------------------------------------------------------------------------------------------
// Files and groups

// Creates a new file; fails if it exists (the writer uses a fresh temporary name).
inline File create_file(const std::string& path) {
  PropList fapl(check_id(H5Pcreate(H5P_FILE_ACCESS), "/", "cannot create property list"));
  // SEMI: closing the file with objects still open is an error instead of a silent
  // deferred close, so a leaked handle cannot leave the file unflushed behind a rename.
  check(H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_SEMI), "/", "cannot set close degree");
  return File(check_id(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.id()), "",
                       "cannot create file"));
}

inline File open_file_read(const std::string& path) {
  return File(check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "",
                       "cannot open file"));
}

inline Group create_group(hid_t parent, std::string_view name) {
  const std::string n(name);
  return Group(check_id(H5Gcreate2(parent, n.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        [&] { return detail::child_name(parent, name); }, "cannot create group"));
}

inline Group open_group(hid_t parent, std::string_view name) {
  const std::string n(name);
  return Group(check_id(H5Gopen2(parent, n.c_str(), H5P_DEFAULT),
                        detail::child_name(parent, name), "cannot open group"));
}

inline bool exists(hid_t parent, std::string_view name) {
  const std::string n(name);
  return H5Lexists(parent, n.c_str(), H5P_DEFAULT) > 0;
}

// ---------------------------------------------------------------------------------------------
// Types

// Variable-length UTF-8 string type.
inline Type vlen_string_type() {
  Type t(check_id(H5Tcopy(H5T_C_S1), "", "cannot copy string type"));
  check(H5Tset_size(t.id(), H5T_VARIABLE), "", "cannot make string type variable-length");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "", "cannot set string type to UTF-8");
  return t;
}

// ---------------------------------------------------------------------------------------------
// Attributes

inline Space scalar_space() {
  return Space(check_id(H5Screate(H5S_SCALAR), "", "cannot create scalar dataspace"));
}

inline Space simple_space(std::vector<hsize_t> dims, std::vector<hsize_t> max_dims = {}) {
  return Space(check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                         max_dims.empty() ? nullptr : max_dims.data()),
                        "", "cannot create dataspace"));
}

namespace detail {
inline void write_scalar_attribute(hid_t object, std::string_view name, hid_t file_type,
                                   hid_t mem_type, const void* value) {
  const std::string n(name);
  const auto where = [&] { return object_name(object) + " @" + n; };
  if (H5Aexists(object, n.c_str()) > 0)  // rewriting (e.g. at commit) replaces the value
    check(H5Adelete(object, n.c_str()), where, "cannot replace attribute");
  Space space = scalar_space();
  Attribute a(check_id(H5Acreate2(object, n.c_str(), file_type, space.id(), H5P_DEFAULT,
                                  H5P_DEFAULT),
                       where, "cannot create attribute"));
  check(H5Awrite(a.id(), mem_type, value), where, "cannot write attribute");
}

inline Attribute open_attribute(hid_t object, std::string_view name) {
  const std::string n(name);
  const std::string where = object_name(object) + " @" + n;
  if (H5Aexists(object, n.c_str()) <= 0)
    throw InputError(ErrorCode::parse_error, "results file", Session::file_name(), where, "",
                     "attribute missing");
  return Attribute(check_id(H5Aopen(object, n.c_str(), H5P_DEFAULT), where,
                            "cannot open attribute"));
}
}  // namespace detail

inline void write_attribute(hid_t object, std::string_view name, std::string_view value) {
  Type t = vlen_string_type();
  const std::string v(value);
  const char* p = v.c_str();
  detail::write_scalar_attribute(object, name, t.id(), t.id(), &p);
}
inline void write_attribute(hid_t object, std::string_view name, const char* value) {
  write_attribute(object, name, std::string_view(value));
}
inline void write_attribute(hid_t object, std::string_view name, double value) {
  detail::write_scalar_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}
inline void write_attribute(hid_t object, std::string_view name, std::int32_t value) {
  detail::write_scalar_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

// Attributes of objects just created (no existing attribute to replace), with the string
// type and the scalar dataspace made once instead of per attribute: a results file has ~80
// attributes, and every HDF5 call takes the library's global lock.
class NewAttributes {
 public:
  NewAttributes() : string_type_(vlen_string_type()), scalar_(scalar_space()) {}

  void add(hid_t object, std::string_view name, std::string_view value) const {
    const std::string v(value);
    const char* p = v.c_str();
    add_scalar(object, name, string_type_.id(), string_type_.id(), &p);
  }
  void add(hid_t object, std::string_view name, const char* value) const {
    add(object, name, std::string_view(value));
  }
  void add(hid_t object, std::string_view name, double value) const {
    add_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
  }
  void add(hid_t object, std::string_view name, std::int32_t value) const {
    add_scalar(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
  }

 private:
  void add_scalar(hid_t object, std::string_view name, hid_t file_type, hid_t mem_type,
                  const void* value) const {
    const std::string n(name);
    const auto where = [&] { return detail::object_name(object) + " @" + n; };
    Attribute a(check_id(H5Acreate2(object, n.c_str(), file_type, scalar_.id(), H5P_DEFAULT,
                                    H5P_DEFAULT),
                         where, "cannot create attribute"));
    check(H5Awrite(a.id(), mem_type, value), where, "cannot write attribute");
  }

  Type string_type_;
  Space scalar_;
};

inline bool has_attribute(hid_t object, std::string_view name) {
  const std::string n(name);
  return H5Aexists(object, n.c_str()) > 0;
}

// Reads a string attribute, variable- or fixed-length (h5py and MATLAB write either).
inline std::string read_string_attribute(hid_t object, std::string_view name) {
  Attribute a = detail::open_attribute(object, name);
  const std::string where = detail::object_name(object) + " @" + std::string(name);
  Type file_type(check_id(H5Aget_type(a.id()), where, "cannot get attribute type"));
  if (H5Tget_class(file_type.id()) != H5T_STRING)
    throw InputError(ErrorCode::parse_error, "results file", Session::file_name(), where, "",
                     "attribute is not a string");
  if (H5Tis_variable_str(file_type.id()) > 0) {
    Type mem = vlen_string_type();
    char* p = nullptr;
    check(H5Aread(a.id(), mem.id(), &p), where, "cannot read attribute");
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  const std::size_t size = H5Tget_size(file_type.id());
  std::string s(size, '\0');
  check(H5Aread(a.id(), file_type.id(), s.data()), where, "cannot read attribute");
  s.resize(s.find('\0') == std::string::npos ? size : s.find('\0'));
  return s;
}

inline double read_double_attribute(hid_t object, std::string_view name) {
  Attribute a = detail::open_attribute(object, name);
  double v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v),
        detail::object_name(object) + " @" + std::string(name), "cannot read attribute");
  return v;
}

inline std::int64_t read_int_attribute(hid_t object, std::string_view name) {
  Attribute a = detail::open_attribute(object, name);
  std::int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v),
        detail::object_name(object) + " @" + std::string(name), "cannot read attribute");
  return v;
}

// ---------------------------------------------------------------------------------------------
// Datasets

// A dataset filled along its first dimension (time): rank 1 ([rows]) when `width` is 0, else
// rank 2 ([rows, width]). Rows are written in batches by append().
//  * create(): chunked and extendable, for a series of unknown length.
//  * create_fixed(): exactly `rows` rows known in advance (a whole Result): contiguous, no
//    chunk index to build and no extent to change (and so no compression).
class AppendableDataset {
 public:
  AppendableDataset() = default;

  // chunk_rows >= 1; gzip_level 0 = no filter. A zero-width matrix gets an unlimited second
  // dimension because HDF5 requires chunk dims <= fixed max dims and chunk dims >= 1.
  static AppendableDataset create(hid_t parent, std::string_view name, hid_t file_type,
                                  hsize_t width, bool matrix, hsize_t chunk_rows,
                                  int gzip_level) {
    const auto object = [&] { return detail::child_name(parent, name); };
    AppendableDataset d;
    d.matrix_ = matrix;
    d.width_ = matrix ? width : 1;
    Space space = matrix ? simple_space({0, width}, {H5S_UNLIMITED, width > 0 ? width : H5S_UNLIMITED})
                         : simple_space({0}, {H5S_UNLIMITED});
    PropList dcpl(check_id(H5Pcreate(H5P_DATASET_CREATE), object, "cannot create property list"));
    std::vector<hsize_t> chunk{chunk_rows};
    if (matrix) chunk.push_back(width > 0 ? width : 1);
    check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), object,
          "cannot set chunking");
    if (gzip_level > 0) {
      // shuffle groups the bytes of neighbouring doubles: gzip then compresses far better
      check(H5Pset_shuffle(dcpl.id()), object, "cannot set shuffle filter");
      check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(gzip_level)), object,
            "cannot set gzip filter");
    }
    PropList dapl(check_id(H5Pcreate(H5P_DATASET_ACCESS), object, "cannot create property list"));
    const H5T_class_t type_class = H5Tget_class(file_type);
    if (gzip_level == 0 && (type_class == H5T_FLOAT || type_class == H5T_INTEGER))
      write_rows_directly(dcpl.id(), dapl.id(), object);
    const std::string n(name);
    d.dataset_ = Dataset(check_id(
        H5Dcreate2(parent, n.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), dapl.id()),
        object, "cannot create dataset"));
    return d;
  }

  // Rows of an uncompressed dataset go from our buffer straight to the file: no chunk cache,
  // and no fill value written first (HDF5 would otherwise take every new chunk into its cache,
  // fill it, copy the rows in and write it out on eviction: a second copy of every value).
  // Every row inside the extent is written; the unwritten tail of the last chunk lies beyond
  // it. Without a cache no chunk buffer is ever allocated, so nothing uninitialised can reach
  // the file. Numbers only: HDF5 refuses to skip the fill of variable-length strings (the
  // checks), and a compressed chunk always passes through a buffer (so both keep the fill).
  template <class Name>
  static void write_rows_directly(hid_t dcpl, hid_t dapl, const Name& object) {
    check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), object, "cannot set fill time");
    check(H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
          object, "cannot set chunk cache");
  }

  // `rows` rows exactly, uncompressed.
  static AppendableDataset create_fixed(hid_t parent, std::string_view name, hid_t file_type,
                                        hsize_t width, bool matrix, hsize_t rows) {
    AppendableDataset d;
    d.matrix_ = matrix;
    d.width_ = matrix ? width : 1;
    d.fixed_rows_ = rows;
    Space space = matrix ? simple_space({rows, width}) : simple_space({rows});
    const std::string n(name);
    d.dataset_ = Dataset(check_id(
        H5Dcreate2(parent, n.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        [&] { return detail::child_name(parent, name); }, "cannot create dataset"));
    return d;
  }

  // Appends `rows` rows (rows * width values of `mem_type`, row-major).
  void append(hid_t mem_type, const void* data, hsize_t rows) {
    if (rows == 0) return;
    const auto object = [&] { return detail::object_name(dataset_.id()); };
    if (fixed_rows_) {
      if (rows_ + rows > *fixed_rows_) fail(object(), "more rows than the dataset was made for");
    } else {
      std::vector<hsize_t> extent{rows_ + rows};
      if (matrix_) extent.push_back(width_);
      check(H5Dset_extent(dataset_.id(), extent.data()), object, "cannot extend dataset");
    }
    if (width_ > 0 && fixed_rows_ && rows == *fixed_rows_) {  // the whole dataset at once
      check(H5Dwrite(dataset_.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), object,
            "cannot write rows");
    } else if (width_ > 0) {
      Space file_space(check_id(H5Dget_space(dataset_.id()), object, "cannot get dataspace"));
      std::vector<hsize_t> start{rows_}, count{rows};
      if (matrix_) {
        start.push_back(0);
        count.push_back(width_);
      }
      check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr,
                                count.data(), nullptr),
            object, "cannot select rows");
      Space mem_space = simple_space(count);
      check(H5Dwrite(dataset_.id(), mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, data),
            object, "cannot write rows");
    }
    rows_ += rows;
  }

  hsize_t rows() const { return rows_; }
  hsize_t width() const { return width_; }
  hid_t id() const { return dataset_.id(); }
  void close() {
    const hid_t id = dataset_.id();
    dataset_.close([id] { return detail::object_name(id); });
  }

 private:
  Dataset dataset_;
  bool matrix_ = false;
  hsize_t width_ = 0;
  hsize_t rows_ = 0;
  std::optional<hsize_t> fixed_rows_;  // create_fixed(): the rows the dataset holds
};

// Writes a fixed-size 1-D dataset of `count` values (count may be 0).
inline Dataset write_vector(hid_t parent, std::string_view name, hid_t file_type,
                            hid_t mem_type, const void* data, hsize_t count) {
  const auto object = [&] { return detail::child_name(parent, name); };
  Space space = simple_space({count});
  const std::string n(name);
  Dataset d(check_id(H5Dcreate2(parent, n.c_str(), file_type, space.id(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
                     object, "cannot create dataset"));
  if (count > 0)
    check(H5Dwrite(d.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), object,
          "cannot write dataset");
  return d;
}

inline Dataset write_vector(hid_t parent, std::string_view name, const std::vector<double>& v) {
  return write_vector(parent, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v.data(), v.size());
}
inline Dataset write_vector(hid_t parent, std::string_view name,
                            const std::vector<std::int32_t>& v) {
  return write_vector(parent, name, H5T_STD_I32LE, H5T_NATIVE_INT32, v.data(), v.size());
}
// Fixed-length UTF-8 string type of `size` bytes, NUL-padded.
inline Type fixed_string_type(std::size_t size) {
  Type t(check_id(H5Tcopy(H5T_C_S1), "", "cannot copy string type"));
  check(H5Tset_size(t.id(), std::max<std::size_t>(size, 1)), "", "cannot size string type");
  check(H5Tset_strpad(t.id(), H5T_STR_NULLPAD), "", "cannot set string padding");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "", "cannot set string type to UTF-8");
  return t;
}

// Strings as fixed-length UTF-8 (NUL-padded to the longest): one block, written and read at
// disk speed, where variable-length strings cost a global-heap object each (a million ids
// took most of a results file's write and read time). Variable-length when one string is so
// much longer than the rest that padding would blow the dataset up.
inline Dataset write_vector(hid_t parent, std::string_view name,
                            const std::vector<std::string>& v) {
  std::size_t longest = 0, total = 0;
  for (const auto& s : v) longest = std::max(longest, s.size()), total += s.size();
  if (longest * v.size() <= 4 * total + 4096) {
    const std::size_t width = std::max<std::size_t>(longest, 1);
    std::vector<char> block(width * v.size(), '\0');
    for (std::size_t i = 0; i < v.size(); ++i)
      std::copy(v[i].begin(), v[i].end(), block.begin() + static_cast<std::ptrdiff_t>(i * width));
    Type t = fixed_string_type(width);
    return write_vector(parent, name, t.id(), t.id(), block.data(), v.size());
  }
  Type t = vlen_string_type();
  std::vector<const char*> p;
  p.reserve(v.size());
  for (const auto& s : v) p.push_back(s.c_str());
  return write_vector(parent, name, t.id(), t.id(), p.data(), p.size());
}

inline Dataset open_dataset(hid_t parent, std::string_view name) {
  const std::string object = detail::child_name(parent, name);
  if (!exists(parent, name))
    throw InputError(ErrorCode::parse_error, "results file", Session::file_name(), object, "",
                     "dataset missing");
  const std::string n(name);
  return Dataset(check_id(H5Dopen2(parent, n.c_str(), H5P_DEFAULT), object,
                          "cannot open dataset"));
}

inline std::vector<hsize_t> dataset_dims(hid_t dataset) {
  const std::string object = detail::object_name(dataset);
  Space space(check_id(H5Dget_space(dataset), object, "cannot get dataspace"));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) fail(object, "cannot get rank");
  std::vector<hsize_t> dims(rank);
  if (rank > 0) check(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), object,
                      "cannot get dimensions");
  return dims;
}

// Reads a whole dataset into `out` (sized by the caller to the element count).
inline void read_all(hid_t dataset, hid_t mem_type, void* out, std::size_t count) {
  if (count == 0) return;
  check(H5Dread(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
        detail::object_name(dataset), "cannot read dataset");
}

// Frees the variable-length members HDF5 allocated during a read into `buffer`.
inline void reclaim(hid_t mem_type, hid_t dataset, void* buffer) {
  Space space(H5Dget_space(dataset));
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mem_type, space.id(), H5P_DEFAULT, buffer);
#else
  H5Dvlen_reclaim(mem_type, space.id(), H5P_DEFAULT, buffer);
#endif
}

inline std::vector<std::string> read_strings(hid_t dataset) {
  const auto dims = dataset_dims(dataset);
  const std::string object = detail::object_name(dataset);
  if (dims.size() != 1)
    throw InputError(ErrorCode::parse_error, "results file", Session::file_name(), object, "",
                     "expected a 1-D string dataset");
  if (dims[0] == 0) return {};
  Type file_type(check_id(H5Dget_type(dataset), object, "cannot get dataset type"));
  if (H5Tget_class(file_type.id()) == H5T_STRING && H5Tis_variable_str(file_type.id()) <= 0) {
    // Fixed-length (what heatnet writes): one block, each string up to its first NUL.
    // Read as stored (HDF5 does not convert between ASCII and UTF-8 strings).
    const std::size_t width = H5Tget_size(file_type.id());
    std::vector<char> block(width * dims[0]);
    read_all(dataset, file_type.id(), block.data(), dims[0]);
    std::vector<std::string> out;
    out.reserve(dims[0]);
    for (std::size_t i = 0; i < dims[0]; ++i) {
      const char* begin = block.data() + i * width;
      out.emplace_back(begin, std::find(begin, begin + width, '\0'));
    }
    return out;
  }
  std::vector<char*> p(dims[0], nullptr);
  Type t = vlen_string_type();
  read_all(dataset, t.id(), p.data(), p.size());
  std::vector<std::string> out;
  out.reserve(p.size());
  for (char* s : p) out.emplace_back(s ? s : "");
  reclaim(t.id(), dataset, p.data());
  return out;
}

// ---------------------------------------------------------------------------------------------
// The /checks table: one compound row per failed design check

// Memory layout of one row; the strings point into caller-owned storage when writing and into
// HDF5-allocated memory (freed with reclaim()) when reading.
struct CheckRow {
  std::int32_t time_index;
  const char* element_kind;
  const char* element_id;
  const char* check;
  double value;
  double limit;
};

// Memory type of CheckRow; `packed` gives the file type (no padding on disk).
inline Type check_row_type(bool packed) {
  Type str = vlen_string_type();
  Type t(check_id(H5Tcreate(H5T_COMPOUND, sizeof(CheckRow)), "/checks",
                  "cannot create compound type"));
  auto insert = [&](const char* name, std::size_t offset, hid_t member) {
    check(H5Tinsert(t.id(), name, offset, member), "/checks", "cannot build compound type");
  };
  insert("time_index", HOFFSET(CheckRow, time_index), H5T_NATIVE_INT32);
  insert("element_kind", HOFFSET(CheckRow, element_kind), str.id());
  insert("element_id", HOFFSET(CheckRow, element_id), str.id());
  insert("check", HOFFSET(CheckRow, check), str.id());
  insert("value", HOFFSET(CheckRow, value), H5T_NATIVE_DOUBLE);
  insert("limit", HOFFSET(CheckRow, limit), H5T_NATIVE_DOUBLE);
  if (packed) check(H5Tpack(t.id()), "/checks", "cannot pack compound type");
  return t;
}

}  // namespace heatnet::io::h5
