#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
// Darcy friction factor models (with exact derivatives w.r.t. Reynolds number)
// and the Hazen-Williams head-loss formula, for the hydraulic Newton solver.
//
// All functions are allocation-free, exception-free and noexcept: they are
// evaluated once per pipe per Newton iteration.

namespace heatnet::physics {

enum class FrictionLaw {
    colebrook,              // laminar | C1 cubic Hermite | Colebrook-White (exact)
    swamee_jain,            // laminar | C1 cubic Hermite | Swamee-Jain (1976)
    nikuradse,              // pandapipes: 64/Re + rough-pipe Nikuradse term, no switch
    epanet_darcy_weisbach,  // EPANET 2.x: laminar | Dunlop cubic | Swamee-Jain
};

// Darcy friction factor lambda and its derivative d(lambda)/d(Re).
struct FrictionFactor {
    double lambda;
    double dlambda_dRe;
};

// Regime limits shared by colebrook, swamee_jain and epanet_darcy_weisbach.
inline constexpr double kLaminarLimitRe = 2000.0;
inline constexpr double kTurbulentLimitRe = 4000.0;

// Precondition: reynolds > 0 (callers treat Re == 0 analytically through the
// laminar resistance, since lambda = 64/Re diverges), relative_roughness =
// k/D >= 0. Violations are caught by assert() in debug builds only.
FrictionFactor friction_factor(FrictionLaw law, double reynolds,
                               double relative_roughness) noexcept;

// Turbulent Colebrook-White friction factor, solved to machine precision.
// No laminar switch: valid for any reynolds > 0 mathematically, physically
// meaningful for Re >= ~4000.
double colebrook_white(double reynolds, double relative_roughness) noexcept;

// Colebrook law (same values as friction_factor(colebrook, ...)) whose turbulent root solve
// starts from `root_cache` (1/sqrt(lambda) of a previous call for the same pipe; <= 0: none)
// and stores the new root there. Newton iterations change Re only a little, so the solve
// takes one or two steps instead of three plus the explicit start.
FrictionFactor colebrook_warm(double reynolds, double relative_roughness,
                              double& root_cache) noexcept;

// Turbulent Swamee-Jain (1976) explicit approximation, no laminar switch.
double swamee_jain(double reynolds, double relative_roughness) noexcept;

// Hazen-Williams head loss h [m] and dh/dQ [m per m^3/s] for a pipe; the sign
// of h follows the sign of Q (h is odd in Q), dh/dQ > 0 everywhere.
struct HeadLoss {
    double h_m;
    double dh_dQ;
};

// SI Hazen-Williams coefficient: EPANET's US-unit 4.727 (ft, cfs) converted
// with 1 ft = 0.3048 m exactly: 4.727 * 0.3048^(4.871 - 3*1.852).
// Textbooks round this to 10.67.
inline constexpr double kHazenWilliamsK = 10.666829488930053;
inline constexpr double kHazenWilliamsFlowExp = 1.852;
inline constexpr double kHazenWilliamsDiamExp = 4.871;
// Smallest head-loss gradient used near Q = 0: EPANET's default RQTOL of
// 1e-7 ft/cfs converted to SI (m per m^3/s): 1e-7 * 0.3048 / 0.3048^3.
inline constexpr double kHazenWilliamsGradientFloor = 1e-7 / (0.3048 * 0.3048);

HeadLoss hazen_williams(double Q_m3_s, double length_m, double diameter_m,
                        double c_factor) noexcept;
// The pipe's resistance r in h = r |Q|^1.852 (two powers: worth keeping per pipe), and the
// law for a given r (identical to hazen_williams() with the same pipe).
double hazen_williams_resistance(double length_m, double diameter_m, double c_factor) noexcept;
// hazen_williams_resistance of every pipe (the same values; r.size() pipes), each distinct
// C^1.852 and D^4.871 computed once: a network has few pipe classes and diameters, and the
// two powers are most of the cost.
void hazen_williams_resistances(std::span<const double> length_m,
                                std::span<const double> diameter_m,
                                std::span<const double> c_factor, std::span<double> r) noexcept;
inline HeadLoss hazen_williams_with_resistance(double Q_m3_s, double r) noexcept;
// |Q|^0.852 (the Hazen-Williams gradient's power), to within a few units in the last place of
// std::pow, at a fraction of its cost.
inline double hazen_williams_flow_power(double Q_m3_s) noexcept;

// Flow magnitude below which hazen_williams() switches to its linear segment
// through the origin (where the HW gradient 1.852 r |Q|^0.852 drops below
// kHazenWilliamsGradientFloor). Exposed for tests and diagnostics.
double hazen_williams_linear_threshold(double length_m, double diameter_m,
                                       double c_factor) noexcept;

// ---------------------------------------------------------------------------
// Inline definitions: the Hazen-Williams kernel is evaluated once per pipe per Newton
// iteration, and inlined into the assembly it costs less than half of a call chain across
// translation units (same arithmetic, same values).
// ---------------------------------------------------------------------------
namespace detail {
inline constexpr double kFlowPower = kHazenWilliamsFlowExp - 1.0;
inline constexpr int kMantissaBits = 8;
inline constexpr int kMantissaSlots = 1 << kMantissaBits;
struct FlowPowerTables {
    double exponent[2046];             // (2^e)^a for the normal exponents e = -1022 .. 1023
    double centre[kMantissaSlots];     // m0^a
    double inv_centre[kMantissaSlots]; // 1 / m0
};
// std::pow's own values: constant data made at build time (cmake/friction_tables.cpp)
extern const FlowPowerTables kFlowPowerTables;
// A positive normal x = 2^e m (m in [1, 2)) split for a table lookup: its biased exponent
// e + 1023, the slot of m's 1/kMantissaSlots-wide interval, and t = (m - m0) / m0 about that
// interval's centre m0 (the tables hold 1 / m0).
struct MantissaSplit {
    int biased;
    int slot;
    double t;
};
inline MantissaSplit split_mantissa(double x, const FlowPowerTables& tables) noexcept {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    const int slot = static_cast<int>((bits >> (52 - kMantissaBits)) & (kMantissaSlots - 1));
    const double m =
        std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    const double m0 = 1.0 + (slot + 0.5) / kMantissaSlots;
    return {biased, slot, (m - m0) * tables.inv_centre[slot]};
}
}  // namespace detail

// |Q|^0.852 from tables instead of std::pow (about 5x fewer instructions; pow was ~40 % of a
// Hazen-Williams network's Newton iteration). With Q = 2^e m, m in [1, 2), and m0 the centre
// of m's 1/256-wide table interval:
//   Q^a = (2^e)^a * m0^a * (1 + t)^a,  t = (m - m0) / m0, |t| < 1/512,
// the last factor by its binomial series to t^5 (next term < 4e-19). The tables hold
// std::pow's own values, so the result is within a few units in the last place of
// std::pow(Q, a) (tests/test_friction.cpp checks 4e-16 relative over the whole range).
inline double hazen_williams_flow_power(double Q_m3_s) noexcept {
    using namespace detail;
    const double q = std::fabs(Q_m3_s);
    // zero, subnormal, infinite and NaN flows: std::pow's own answer
    if (!(q >= std::numeric_limits<double>::min() && q <= std::numeric_limits<double>::max()))
        return std::pow(q, kFlowPower);
    const auto [biased, slot, t] = split_mantissa(q, kFlowPowerTables);
    constexpr double a = kFlowPower;
    constexpr double c1 = a;
    constexpr double c2 = c1 * (a - 1.0) / 2.0;
    constexpr double c3 = c2 * (a - 2.0) / 3.0;
    constexpr double c4 = c3 * (a - 3.0) / 4.0;
    constexpr double c5 = c4 * (a - 4.0) / 5.0;
    const double series = 1.0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * c5))));
    return kFlowPowerTables.exponent[biased - 1] * kFlowPowerTables.centre[slot] * series;
}

inline HeadLoss hazen_williams_with_resistance(double Q_m3_s, double r) noexcept {
    const double q = std::fabs(Q_m3_s);
    const double grad = kHazenWilliamsFlowExp * r * hazen_williams_flow_power(q);
    if (grad < kHazenWilliamsGradientFloor) {
        constexpr double slope = kHazenWilliamsGradientFloor / kHazenWilliamsFlowExp;
        return {slope * Q_m3_s, slope};
    }
    return {grad * Q_m3_s / kHazenWilliamsFlowExp, grad};
}

// ---------------------------------------------------------------------------
// Inline definitions of the EPANET Darcy-Weisbach law and its parts (the Newton assembly of
// EPANET's D-W networks evaluates it once per pipe per iteration; friction_factor() and the
// Colebrook start use the same definitions).
// ---------------------------------------------------------------------------
namespace detail {
// 2 / ln(10): turns -2 log10(u) into -kTwoOverLn10 * ln(u).
inline constexpr double kTwoOverLn10 = 0.868588963806503655;
inline constexpr double kColebrookA = 3.7;  // eps/3.7 in Colebrook and Swamee-Jain

// Laminar (Hagen-Poiseuille) Darcy factor 64/Re and its slope.
inline constexpr double kLaminarCoeff = 64.0;
inline FrictionFactor laminar(double re) noexcept {
    const double lambda = kLaminarCoeff / re;
    return {lambda, -lambda / re};
}

// Swamee & Jain (1976), J. Hydraulics Div. ASCE 102(HY5) 657-664:
//     lambda = 0.25 / log10( eps/3.7 + 5.74 / Re^0.9 )^2.
inline constexpr double kSwameeJainB = 5.74;
inline constexpr double kSwameeJainExp = 0.9;
inline FrictionFactor swamee_jain_turbulent(double re, double eps) noexcept {
    // s = -2 log10(y), y = eps/3.7 + 5.74 Re^-0.9, lambda = 1/s^2.
    const double y1 = kSwameeJainB * std::pow(re, -kSwameeJainExp);
    const double y = eps / kColebrookA + y1;
    const double s = -kTwoOverLn10 * std::log(y);
    const double lambda = 1.0 / (s * s);
    // ds/dRe = c * 0.9 * y1 / (y Re);  dlambda/dRe = -2 lambda / s * ds/dRe.
    const double ds_dre = kTwoOverLn10 * kSwameeJainExp * y1 / (y * re);
    return {lambda, -2.0 * lambda / s * ds_dre};
}

// ---------------------------------------------------------------------------
// EPANET 2.2 Darcy-Weisbach (OpenWaterAnalytics/EPANET src/hydcoeffs.c,
// frictionFactor()): Re <= 2000 laminar 64/Re (Hagen-Poiseuille branch of
// DWpipecoeff), Re >= 4000 Swamee-Jain, in between E. Dunlop's cubic in
// x = Re/2000:
//   y = e/3.7 + AB, s = -2 ln(y)/ln 10, Fa = 1/s^2, Fb = Fa (2 + AC/(y s)),
//   X1 = 7Fa - Fb, X2 = 0.128 - 17Fa + 2.5Fb, X3 = -0.128 + 13Fa - 2Fb,
//   X4 = 0.032 - 3Fa + 0.5Fb,  f = X1 + X2 x + X3 x^2 + X4 x^3.
// AB and AC are EPANET's literal constants, kept for like-for-like results.
// ---------------------------------------------------------------------------
inline constexpr double kEpanetAB = 3.28895476345399058690e-03;   // 5.74/4000^0.9
extern const FlowPowerTables kSwameeJainPowerTables;  // of Re^-0.9 (as kFlowPowerTables)

// Re^-0.9, Swamee-Jain's Reynolds term, from tables as hazen_williams_flow_power takes
// |Q|^0.852 (std::pow was ~15 % of an EPANET Darcy-Weisbach network's Newton iteration): with
// Re = 2^e m, m in [1, 2), m0 the centre of m's 1/256-wide interval, t = (m - m0) / m0,
//   Re^-0.9 = (2^e)^-0.9 * m0^-0.9 * (1 + t)^-0.9,
// the last factor by its binomial series to t^6 (next term < 2e-19). The tables hold
// std::pow's own values, so the result is within a few units in the last place of
// std::pow(re, -0.9) (tests/test_friction.cpp).
inline double swamee_jain_reynolds_power(double re) noexcept {
    constexpr double a = -kSwameeJainExp;
    if (!(re >= std::numeric_limits<double>::min() && re <= std::numeric_limits<double>::max()))
        return std::pow(re, a);  // zero, negative, subnormal, infinite, NaN: std::pow's answer
    const auto [biased, slot, t] = split_mantissa(re, kSwameeJainPowerTables);
    constexpr double c1 = a;
    constexpr double c2 = c1 * (a - 1.0) / 2.0;
    constexpr double c3 = c2 * (a - 2.0) / 3.0;
    constexpr double c4 = c3 * (a - 3.0) / 4.0;
    constexpr double c5 = c4 * (a - 4.0) / 5.0;
    constexpr double c6 = c5 * (a - 5.0) / 6.0;
    const double series = 1.0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
    return kSwameeJainPowerTables.exponent[biased - 1] * kSwameeJainPowerTables.centre[slot] *
           series;
}

extern const FlowPowerTables kLogTables;  // ln(2^e), ln(m0), 1/m0 (as kFlowPowerTables)

// ln(y) for Swamee-Jain's argument y = eps/3.7 + 5.74 Re^-0.9 from tables, as
// swamee_jain_reynolds_power: y = 2^e m, ln y = ln(2^e) + ln(m0) + ln(1 + t), the last term by
// its series to t^6 (next term < 1e-20). Below y = 0.5 (every relative roughness under 1.8)
// |ln y| > 0.69, so the sum's round-off stays within a few units in the last place of
// std::log(y); from 0.5 on, and for y not a positive normal number, std::log itself.
inline double swamee_jain_log(double y) noexcept {
    if (!(y >= std::numeric_limits<double>::min() && y < 0.5)) return std::log(y);
    const auto [biased, slot, t] = split_mantissa(y, kLogTables);
    const double series =
        t * (1.0 + t * (-1.0 / 2 + t * (1.0 / 3 + t * (-1.0 / 4 + t * (1.0 / 5 + t * (-1.0 / 6))))));
    return kLogTables.exponent[biased - 1] + (kLogTables.centre[slot] + series);
}

// Swamee-Jain as swamee_jain_turbulent, with Re^-0.9 from swamee_jain_reynolds_power and the
// logarithm from swamee_jain_log (EPANET's Darcy-Weisbach networks evaluate it once per
// turbulent pipe per Newton iteration).
inline FrictionFactor epanet_swamee_jain(double re, double eps) noexcept {
    const double y1 = kSwameeJainB * swamee_jain_reynolds_power(re);
    const double y = eps / kColebrookA + y1;
    const double s = -kTwoOverLn10 * swamee_jain_log(y);
    const double lambda = 1.0 / (s * s);
    const double ds_dre = kTwoOverLn10 * kSwameeJainExp * y1 / (y * re);
    return {lambda, -2.0 * lambda / s * ds_dre};
}
inline constexpr double kEpanetAC = -5.14214965799093883760e-03;  // -(2*.9*2/ln10)*AB

inline FrictionFactor epanet_dunlop(double re, double eps) noexcept {
    const double y = eps / kColebrookA + kEpanetAB;
    const double s = -kTwoOverLn10 * std::log(y);
    const double fa = 1.0 / (s * s);
    const double fb = (2.0 + kEpanetAC / (y * s)) * fa;
    const double x1 = 7.0 * fa - fb;
    const double x2 = 0.128 - 17.0 * fa + 2.5 * fb;
    const double x3 = -0.128 + 13.0 * fa - 2.0 * fb;
    const double x4 = 0.032 - 3.0 * fa + 0.5 * fb;
    const double x = re / kLaminarLimitRe;
    return {x1 + x * (x2 + x * (x3 + x * x4)),
            (x2 + x * (2.0 * x3 + x * 3.0 * x4)) / kLaminarLimitRe};
}

inline FrictionFactor epanet_darcy_weisbach(double re, double eps) noexcept {
    if (re <= kLaminarLimitRe) return laminar(re);
    if (re >= kTurbulentLimitRe) return epanet_swamee_jain(re, eps);
    return epanet_dunlop(re, eps);
}
}  // namespace detail

}  // namespace heatnet::physics
