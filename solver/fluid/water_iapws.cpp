#include "solver/fluid/water_iapws.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace heatnet::fluid::iapws {
namespace {

// Derivatives of gamma needed for v, h, cp (R7-97(2012) Table 4).
struct Region1Derivatives {
    double pi;
    double tau;
    double gamma_pi;
    double gamma_tau;
    double gamma_tautau;
};

// Largest exponents of Table 2: I <= 32, -41 <= J <= 17.
constexpr int kMaxI = 32;
constexpr int kMaxMinusJ = 41;
constexpr int kMaxJ = 17;

// A double-double number hi + lo, hi the double nearest to the sum (|lo| <= half hi's ulp).
struct DoubleDouble {
    double hi;
    double lo;
};

// Veltkamp's split of x into two halves of 26 significant bits (their products are exact).
struct Halves {
    double hi;
    double lo;
};

Halves split(double x) {
    constexpr double kSplitter = 134217729.0;  // 2^27 + 1
    const double c = kSplitter * x;
    const double hi = c - (c - x);
    return {hi, x - hi};
}

// x * y with Dekker's exact product of the leading parts and a final fast two-sum; the
// relative error is a few 2^-104 per product (y_halves = split(y.hi)).
DoubleDouble times(const DoubleDouble& x, const DoubleDouble& y, const Halves& y_halves) {
    const Halves xh = split(x.hi);
    const double p = x.hi * y.hi;
    const double e = ((xh.hi * y_halves.hi - p) + xh.hi * y_halves.lo + xh.lo * y_halves.hi) +
                     xh.lo * y_halves.lo;  // x.hi * y.hi = p + e exactly
    const double lo = e + (x.hi * y.lo + x.lo * y.hi);
    const double hi = p + lo;
    return {hi, lo - (hi - p)};
}

// 1/b as a double-double: r = fl(1/b), and 1 - r b (exact by Dekker's product) over b.
DoubleDouble reciprocal(double b) {
    const double r = 1.0 / b;
    const Halves rh = split(r), bh = split(b);
    const double p = r * b;
    const double e = ((rh.hi * bh.hi - p) + rh.hi * bh.lo + rh.lo * bh.hi) + rh.lo * bh.lo;
    return {r, ((1.0 - p) - e) / b};
}

// The double nearest to x = x.hi + x.lo is x.hi; it is surely std::pow's value for the same
// power when x lies well inside x.hi's rounding interval: |x.lo| < (1 - margin) h, h = half
// the spacing of the doubles at x.hi. margin covers glibc pow's documented 0.52 ulp bound
// (pow may differ from the correctly rounded value only within 0.04 h of a boundary) and,
// with a wide reserve, the double-double error (< 2^-40 h). x.hi must be a normal double and
// not a power of two (there the spacing below differs from the one above).
constexpr double kPowMargin = 1.0 / 16.0 + 1.0 / 128.0;

bool nearest_is_pow_value(const DoubleDouble& x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x.hi, sizeof bits);
    const std::uint64_t exponent = bits & 0x7ff0000000000000ULL;
    const std::uint64_t mantissa = bits & 0x000fffffffffffffULL;
    if (exponent == 0 || exponent == 0x7ff0000000000000ULL || mantissa == 0) return false;
    double scale;  // 2^(exponent of x.hi)
    std::memcpy(&scale, &exponent, sizeof scale);
    const double h = scale * 0x1p-53;
    return std::fabs(x.lo) < (1.0 - kPowMargin) * h;
}

// out[k] = std::pow(base, sign * k) for k = 0 .. N-1 where needed[k] (sign is +1 or -1), bit
// for bit, mostly without calling std::pow: Table 2's exponents are small integers, so x^k
// (x = base or 1/base) by repeated double-double multiplication is exact to ~2^-98, and its
// nearest double is std::pow's value except near a rounding boundary, where std::pow itself is
// called (~7 % of the powers). So the tables stay identical to an all-std::pow build while the
// build needs several times fewer instructions.
template <std::size_t N>
void integer_powers(double base, int sign, const std::array<bool, N>& needed,
                    std::array<double, N>& out) {
    const DoubleDouble x = sign > 0 ? DoubleDouble{base, 0.0} : reciprocal(base);
    const Halves x_halves = split(x.hi);
    DoubleDouble p{1.0, 0.0};
    out[0] = 1.0;
    for (std::size_t k = 1; k < N; ++k) {
        p = times(p, x, x_halves);
        if (!needed[k]) continue;
        out[k] = nearest_is_pow_value(p) ? p.hi : std::pow(base, sign * static_cast<int>(k));
    }
}

// Which powers Table 2 uses: a^I, b^J for J >= 0 and b^-J for J < 0.
struct NeededPowers {
    std::array<bool, kMaxI + 1> a{};
    std::array<bool, kMaxJ + 1> b{};
    std::array<bool, kMaxMinusJ + 1> inv_b{};
};

constexpr NeededPowers needed_powers() {
    NeededPowers n{};
    for (const auto& t : kRegion1Terms) {
        n.a[t.I] = true;
        if (t.J >= 0) n.b[t.J] = true;
        else n.inv_b[-t.J] = true;
    }
    return n;
}

constexpr NeededPowers kNeededPowers = needed_powers();

Region1Derivatives region1(double T_K, double p_Pa) {
    Region1Derivatives d{};
    d.pi = p_Pa / kRegion1PStar;
    d.tau = kRegion1TStar / T_K;
    const double a = 7.1 - d.pi;
    const double b = d.tau - 1.222;
    // a^I for I = 0..32; b^J for J = 0..17 and b^-J = (1/b)^J for J = 1..41.
    std::array<double, kMaxI + 1> a_pow{};
    std::array<double, kMaxJ + 1> b_pow{};
    std::array<double, kMaxMinusJ + 1> inv_b_pow{};
    integer_powers(a, +1, kNeededPowers.a, a_pow);
    integer_powers(b, +1, kNeededPowers.b, b_pow);
    integer_powers(b, -1, kNeededPowers.inv_b, inv_b_pow);
    for (const auto& t : kRegion1Terms) {
        const double aI = a_pow[t.I];
        const double bJ = t.J >= 0 ? b_pow[t.J] : inv_b_pow[-t.J];
        if (t.I != 0) d.gamma_pi += -t.n * t.I * (aI / a) * bJ;
        if (t.J != 0) {
            d.gamma_tau += t.n * aI * t.J * (bJ / b);
            if (t.J != 1) d.gamma_tautau += t.n * aI * t.J * (t.J - 1) * (bJ / (b * b));
        }
    }
    return d;
}

// ---------------------------------------------------------------------------
// Region 4: saturation line, R7-97(2012) Table 34 coefficients n1..n10.
// ---------------------------------------------------------------------------
constexpr std::array<double, 11> kN4{
    0.0,  // unused, keeps the 1-based numbering of the release
    0.11670521452767e4,  -0.72421316598592e6, -0.17073846940092e2,
    0.12020824702470e5,  -0.32325550322333e7, 0.14915108613530e2,
    -0.48232657361591e4, 0.40511340542057e6, -0.23855557567849,
    0.65017534844798e3,
};
constexpr double kRegion4PStar = 1.0e6;  // Pa (p* = 1 MPa, eq. 30)
constexpr double kRegion4TStar = 1.0;    // K

// ---------------------------------------------------------------------------
// IAPWS 2008 viscosity, R12-08.
// ---------------------------------------------------------------------------
constexpr double kViscTStar = 647.096;  // K      (R12-08 eq. 3)
constexpr double kViscRhoStar = 322.0;  // kg/m3  (R12-08 eq. 4)
constexpr double kViscMuStar = 1.0e-6;  // Pa s   (R12-08 eq. 6)

// R12-08 Table 1: coefficients H_i of the dilute-gas term mu0 (eq. 11).
constexpr std::array<double, 4> kViscH0{1.67752, 2.20462, 0.6366564, -0.241605};

// R12-08 Table 2: coefficients H_ij of the residual term mu1 (eq. 12),
// indexed [i][j], i = 0..5 (temperature), j = 0..6 (density).
constexpr double kViscH1[6][7] = {
    {5.20094e-1, 2.22531e-1, -2.81378e-1, 1.61913e-1, -3.25372e-2, 0.0, 0.0},
    {8.50895e-2, 9.99115e-1, -9.06851e-1, 2.57399e-1, 0.0, 0.0, 0.0},
    {-1.08374, 1.88797, -7.72479e-1, 0.0, 0.0, 0.0, 0.0},
    {-2.89555e-1, 1.26613, -4.89837e-1, 0.0, 6.98452e-2, 0.0, -4.35673e-3},
    {0.0, 0.0, -2.57040e-1, 0.0, 0.0, 8.72102e-3, 0.0},
    {0.0, 1.20573e-1, 0.0, 0.0, 0.0, 0.0, -5.93264e-4},
};


// R7-97(2012) Table 3: v = (R T / p) * pi * gamma_pi.
double density_from(const Region1Derivatives& d, double T_K, double p_Pa) {
    const double v = kR * T_K / p_Pa * d.pi * d.gamma_pi;
    return 1.0 / v;
}

// R7-97(2012) Table 3: cp = -R tau^2 gamma_tautau.
double specific_heat_from(const Region1Derivatives& d) {
    return -kR * d.tau * d.tau * d.gamma_tautau;
}

}  // namespace

double density_kg_m3(double T_K, double p_Pa) {
    return density_from(region1(T_K, p_Pa), T_K, p_Pa);
}

double specific_heat_cp_J_kgK(double T_K, double p_Pa) {
    return specific_heat_from(region1(T_K, p_Pa));
}

Region1Liquid region1_liquid(double T_K, double p_Pa) {
    const Region1Derivatives d = region1(T_K, p_Pa);
    return {density_from(d, T_K, p_Pa), specific_heat_from(d)};
}

double specific_enthalpy_J_kg(double T_K, double p_Pa) {
    // R7-97(2012) Table 3: h = R T tau gamma_tau.
    const Region1Derivatives d = region1(T_K, p_Pa);
    return kR * T_K * d.tau * d.gamma_tau;
}

double dynamic_viscosity_Pa_s(double T_K, double rho_kg_m3) {
    const double Tb = T_K / kViscTStar;
    const double rb = rho_kg_m3 / kViscRhoStar;

    // Dilute-gas limit, R12-08 eq. 11.
    double denom = 0.0;
    double inv_Tb_pow = 1.0;
    for (double h : kViscH0) {
        denom += h * inv_Tb_pow;
        inv_Tb_pow /= Tb;
    }
    const double mu0 = 100.0 * std::sqrt(Tb) / denom;

    // Residual (finite density) contribution, R12-08 eq. 12.
    const double x = 1.0 / Tb - 1.0;
    const double y = rb - 1.0;
    double sum = 0.0;
    double xi = 1.0;
    for (int i = 0; i < 6; ++i) {
        double inner = 0.0;
        for (int j = 6; j >= 0; --j) inner = inner * y + kViscH1[i][j];
        sum += xi * inner;
        xi *= x;
    }
    const double mu1 = std::exp(rb * sum);

    // Critical enhancement mu2 (R12-08 eqs. 14-21) is taken as 1. R12-08
    // states it matters only in a small region around the critical point
    // (T within a few K of 647.096 K, rho near 322 kg/m3) and recommends
    // mu2 = 1 for industrial use; for liquid below ~370 C, far from the
    // critical point, it is negligible. Table 4 of R12-08 gives the
    // verification values for exactly this mu0 * mu1 form.
    constexpr double mu2 = 1.0;
    return kViscMuStar * mu0 * mu1 * mu2;
}

double saturation_pressure_Pa(double T_K) {
    // R7-97(2012) eq. 29b and eq. 30.
    const double Ts = T_K / kRegion4TStar;
    const double theta = Ts + kN4[9] / (Ts - kN4[10]);
    const double A = theta * theta + kN4[1] * theta + kN4[2];
    const double B = kN4[3] * theta * theta + kN4[4] * theta + kN4[5];
    const double C = kN4[6] * theta * theta + kN4[7] * theta + kN4[8];
    const double r = 2.0 * C / (-B + std::sqrt(B * B - 4.0 * A * C));
    const double r2 = r * r;
    return kRegion4PStar * r2 * r2;
}

double saturation_temperature_K(double p_Pa) {
    // R7-97(2012) eq. 29a and eq. 31.
    const double beta = std::sqrt(std::sqrt(p_Pa / kRegion4PStar));
    const double E = beta * beta + kN4[3] * beta + kN4[6];
    const double F = kN4[1] * beta * beta + kN4[4] * beta + kN4[7];
    const double G = kN4[2] * beta * beta + kN4[5] * beta + kN4[8];
    const double D = 2.0 * G / (-F - std::sqrt(F * F - 4.0 * E * G));
    const double s = kN4[10] + D;
    return kRegion4TStar * 0.5 * (s - std::sqrt(s * s - 4.0 * (kN4[9] + kN4[10] * D)));
}

}  // namespace heatnet::fluid::iapws
