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
extern const FlowPowerTables kFlowPowerTables;  // std::pow's own values (friction.cpp)
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
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(q);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    const int slot = static_cast<int>((bits >> (52 - kMantissaBits)) & (kMantissaSlots - 1));
    const double m =
        std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    const double m0 = 1.0 + (slot + 0.5) / kMantissaSlots;
    const double t = (m - m0) * kFlowPowerTables.inv_centre[slot];
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

}  // namespace heatnet::physics
