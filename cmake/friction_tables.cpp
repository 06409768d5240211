// Build-time generator of the friction kernels' lookup tables (solver/physics/friction.hpp:
// hazen_williams_flow_power, swamee_jain_reynolds_power, swamee_jain_log). It fills them with
// this machine's std::pow and std::log, exactly as the kernels' accuracy argument assumes
// ("std::pow's own values"), and writes them as C++ source of constant data (hexadecimal
// floating literals: every bit kept). The library then starts without the ~7,000 libm calls
// it took to fill them at every process start (~1.1 M instructions, a quarter of
// `heatnet --version`).
//
//     heatnet_friction_tables OUTPUT.cpp
#include <cmath>
#include <cstdio>
#include <iterator>

#include "solver/physics/friction.hpp"

namespace {
using heatnet::physics::detail::FlowPowerTables;
using heatnet::physics::detail::kMantissaSlots;

// x, hidden from the optimiser: the compiler may fold a libm call with constant arguments at
// compile time (correctly rounded, which libm's result need not be); the tables must be libm's.
double opaque(double x) {
    volatile double v = x;
    return v;
}

// f(2^e) for the normal exponents, f(m0) and 1/m0 for the mantissa intervals' centres m0.
template <class F>
FlowPowerTables tables_of(F f) {
    FlowPowerTables t{};
    for (int e = -1022; e <= 1023; ++e) t.exponent[e + 1022] = f(opaque(std::ldexp(1.0, e)));
    for (int j = 0; j < kMantissaSlots; ++j) {
        const double m0 = 1.0 + (j + 0.5) / kMantissaSlots;
        t.centre[j] = f(opaque(m0));
        t.inv_centre[j] = 1.0 / m0;
    }
    return t;
}

void write_array(std::FILE* out, const double* values, int count) {
    std::fputs("    {", out);
    for (int i = 0; i < count; ++i)
        std::fprintf(out, "%s%a", i == 0 ? "" : (i % 4 == 0 ? ",\n     " : ", "), values[i]);
    std::fputs("}", out);
}

void write_tables(std::FILE* out, const char* name, const FlowPowerTables& t) {
    std::fprintf(out, "const detail::FlowPowerTables detail::%s = {\n", name);
    write_array(out, t.exponent, static_cast<int>(std::size(t.exponent)));
    std::fputs(",\n", out);
    write_array(out, t.centre, kMantissaSlots);
    std::fputs(",\n", out);
    write_array(out, t.inv_centre, kMantissaSlots);
    std::fputs("};\n\n", out);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT.cpp\n", argv[0]);
        return 2;
    }
    std::FILE* out = std::fopen(argv[1], "w");
    if (!out) {
        std::perror(argv[1]);
        return 1;
    }
    using namespace heatnet::physics::detail;
    std::fputs("// Generated at build time by cmake/friction_tables.cpp (this machine's\n"
               "// std::pow and std::log): do not edit.\n"
               "#include \"solver/physics/friction.hpp\"\n\n"
               "namespace heatnet::physics {\n\n", out);
    write_tables(out, "kFlowPowerTables",
                 tables_of([](double x) { return std::pow(x, kFlowPower); }));
    write_tables(out, "kSwameeJainPowerTables",
                 tables_of([](double x) { return std::pow(x, -kSwameeJainExp); }));
    write_tables(out, "kLogTables", tables_of([](double x) { return std::log(x); }));
    std::fputs("}  // namespace heatnet::physics\n", out);
    const bool written = std::ferror(out) == 0;
    if (std::fclose(out) != 0 || !written) {
        std::perror(argv[1]);
        return 1;
    }
    return 0;
}
