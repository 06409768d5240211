#include "solver/physics/friction.hpp"

#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>

namespace heatnet::physics {
using namespace detail;  // the laws defined inline in friction.hpp
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// ---------------------------------------------------------------------------
// Colebrook-White (Colebrook 1939, J. ICE 11(4) 133-156):
//     1/sqrt(lambda) = -2 log10( eps/3.7 + 2.51 / (Re sqrt(lambda)) ).
// With x = 1/sqrt(lambda), a = eps/3.7, b = 2.51/Re, c = 2/ln 10 the root of
//     F(x) = x + c ln(a + b x) = 0
// is unique (F' = 1 + c t > 0 with t = b/(a + b x)) and F is concave
// (F'' = -c t^2 < 0), so Newton converges quadratically and, after the first
// step, monotonically from below.
// ---------------------------------------------------------------------------
struct ColebrookRoot {
    double x;  // 1/sqrt(lambda)
    double t;  // b / (a + b x) at the root, needed by the derivative
};

constexpr double kColebrookB = 2.51;
constexpr int kColebrookMaxIter = 10;

// Swamee-Jain (friction.hpp) as x = 1/sqrt(lambda) = -2 log10(...): the Newton start for
// Colebrook (within ~1-3 % in lambda over the Moody range).

double swamee_jain_inv_sqrt(double re, double eps) noexcept {
    return -kTwoOverLn10 *
           std::log(eps / kColebrookA + kSwameeJainB * std::pow(re, -kSwameeJainExp));
}

ColebrookRoot solve_colebrook(double re, double eps, double x0 = 0.0) noexcept {
    const double a = eps / kColebrookA;
    const double b = kColebrookB / re;
    // Warm start from a previous root when given (the same pipe one Newton iteration ago):
    // one or two steps instead of a pow + log start and two or three steps.
    double x = x0 > 0.0 ? x0 : swamee_jain_inv_sqrt(re, eps);
    double t = b / (a + b * x);
    for (int i = 0; i < kColebrookMaxIter; ++i) {
        const double arg = a + b * x;
        t = b / arg;
        const double dfdx = 1.0 + kTwoOverLn10 * t;
        const double dx = (x + kTwoOverLn10 * std::log(arg)) / dfdx;
        // Concavity puts every Newton iterate below the root; halving at most
        // keeps x > 0 (hence a + b x > 0) even from a poor start.
        // (std::fmax's value, NaN included, without its libm call)
        const double step_to = x - dx;
        const double x_new = step_to > 0.5 * x ? step_to : 0.5 * x;
        const double tol = 2.0 * kEps * x_new;  // 2..4 ulp of x
        x = x_new;
        if (std::fabs(dx) <= tol) break;
        // Quadratic convergence: the next correction would be about
        // |F''/(2F')| dx^2 = c t^2 / (2 F') dx^2. Once that is below 1/256 of
        // the tolerance (< 1/64 ulp), x is converged and the confirming
        // iteration (one more log, ~10 ns) is skipped. Measured against a
        // long-double bisection on 3e5 random points (Re 4e3..1e12, e/D 0 and
        // 1e-7..0.1): worst lambda error 3.1 eps, vs 2.7 eps without the skip.
        if (128.0 * kTwoOverLn10 * t * t / dfdx * dx * dx <= tol) {
            t = b / (a + b * x);
            break;
        }
    }
    return {x, t};
}

FrictionFactor colebrook_turbulent_from(double re, double eps, double x0,
                                        double* root_out) noexcept {
    const ColebrookRoot root = solve_colebrook(re, eps, x0);
    if (root_out) *root_out = root.x;
    const double lambda = 1.0 / (root.x * root.x);
    // Implicit differentiation of G(x, Re) = x + c ln(a + 2.51 x / Re) = 0:
    //   G_x = 1 + c t,  G_Re = -c t x / Re  =>  dx/dRe = c t x / (Re (1 + c t)),
    //   dlambda/dRe = -2 x^-3 dx/dRe = -2 lambda c t / (Re (1 + c t)).
    const double ct = kTwoOverLn10 * root.t;
    return {lambda, -2.0 * lambda * ct / (re * (1.0 + ct))};
}

FrictionFactor colebrook_turbulent(double re, double eps) noexcept {
    return colebrook_turbulent_from(re, eps, 0.0, nullptr);
}


// Cubic Hermite interpolation on [2000, 4000] between the laminar value/slope
// at Re = 2000 and the turbulent value/slope at Re = 4000. Gives a C1 friction
// factor so the Newton Jacobian of the network solver has no jumps.
// (EPANET's Dunlop cubic below turns out to be exactly this interpolant with
// Swamee-Jain as the turbulent end.)
FrictionFactor hermite_transition(double re, FrictionFactor turb) noexcept {
    constexpr double h = kTurbulentLimitRe - kLaminarLimitRe;
    constexpr double p0 = kLaminarCoeff / kLaminarLimitRe;
    constexpr double m0 = -p0 / kLaminarLimitRe * h;  // laminar slope * h
    const double p1 = turb.lambda;
    const double m1 = turb.dlambda_dRe * h;
    const double t = (re - kLaminarLimitRe) / h;
    const double t2 = t * t;
    const double t3 = t2 * t;
    const double h00 = 2.0 * t3 - 3.0 * t2 + 1.0;
    const double h10 = t3 - 2.0 * t2 + t;
    const double h01 = -2.0 * t3 + 3.0 * t2;
    const double h11 = t3 - t2;
    const double d00 = 6.0 * t2 - 6.0 * t;
    const double d10 = 3.0 * t2 - 4.0 * t + 1.0;
    const double d01 = -d00;
    const double d11 = 3.0 * t2 - 2.0 * t;
    return {h00 * p0 + h10 * m0 + h01 * p1 + h11 * m1,
            (d00 * p0 + d10 * m0 + d01 * p1 + d11 * m1) / h};
}

template <typename Turbulent>
FrictionFactor three_regime(double re, double eps, Turbulent turbulent) noexcept {
    if (re <= kLaminarLimitRe) return laminar(re);
    if (re >= kTurbulentLimitRe) return turbulent(re, eps);
    return hermite_transition(re, turbulent(kTurbulentLimitRe, eps));
}

// ---------------------------------------------------------------------------
// pandapipes "nikuradse" model (pandapipes/pf/derivative_toolbox.py,
// calc_lambda_nikuradse_incomp): lambda = 64/Re + 1/(-2 log10(k/(3.71 D)))^2
// for every Re, no regime switch. The second (fully rough Nikuradse) term
// does not depend on Re. With k = 0 it is 0 (log10(0) = -inf): handled
// explicitly so that no inf/NaN arithmetic is involved.
// ---------------------------------------------------------------------------
FrictionFactor nikuradse(double re, double eps) noexcept {
    constexpr double kNikuradseA = 3.71;
    double rough = 0.0;
    if (eps > 0.0) {
        const double s = -kTwoOverLn10 * std::log(eps / kNikuradseA);
        rough = 1.0 / (s * s);
    }
    const FrictionFactor lam = laminar(re);
    return {lam.lambda + rough, lam.dlambda_dRe};
}


}  // namespace

FrictionFactor colebrook_warm(double reynolds, double relative_roughness,
                              double& root_cache) noexcept {
    if (reynolds < kTurbulentLimitRe)
        return friction_factor(FrictionLaw::colebrook, reynolds, relative_roughness);
    return colebrook_turbulent_from(reynolds, relative_roughness, root_cache, &root_cache);
}

FrictionFactor friction_factor(FrictionLaw law, double reynolds,
                               double relative_roughness) noexcept {
    assert(reynolds > 0.0);
    assert(relative_roughness >= 0.0);
    switch (law) {
        case FrictionLaw::colebrook:
            return three_regime(reynolds, relative_roughness, colebrook_turbulent);
        case FrictionLaw::swamee_jain:
            return three_regime(reynolds, relative_roughness, swamee_jain_turbulent);
        case FrictionLaw::nikuradse:
            return nikuradse(reynolds, relative_roughness);
        case FrictionLaw::epanet_darcy_weisbach:
            return epanet_darcy_weisbach(reynolds, relative_roughness);
    }
    return {std::numeric_limits<double>::quiet_NaN(),
            std::numeric_limits<double>::quiet_NaN()};
}

double colebrook_white(double reynolds, double relative_roughness) noexcept {
    assert(reynolds > 0.0);
    const double x = solve_colebrook(reynolds, relative_roughness).x;
    return 1.0 / (x * x);
}

double swamee_jain(double reynolds, double relative_roughness) noexcept {
    assert(reynolds > 0.0);
    return swamee_jain_turbulent(reynolds, relative_roughness).lambda;
}

// ---------------------------------------------------------------------------
// Hazen-Williams in SI units (EPANET 2.2 resistcoeff/pipecoeff):
//   h = K L Q|Q|^0.852 / (C^1.852 D^4.871) = r Q|Q|^0.852,
//   dh/dQ = 1.852 r |Q|^0.852.
// The gradient vanishes at Q = 0, which would make the Newton Jacobian
// singular. Like EPANET, where 1.852 r |Q|^0.852 falls below the gradient
// floor (RQTOL = 1e-7 ft/cfs, here in SI) the head loss becomes the straight
// line through the origin h = (floor/1.852) Q, i.e. the secant of the HW curve
// at the threshold flow Q0 = (floor / (1.852 r))^(1/0.852). That keeps h
// continuous and strictly increasing; dh/dQ steps from floor to floor/1.852 at
// Q0 (Q0 ~ 3e-11 m^3/s for a 1 km, DN300, C = 120 pipe, far below any real
// flow). A line through the origin cannot match both value and slope of the
// HW curve at Q0, so value continuity wins.
// ---------------------------------------------------------------------------
namespace {
// r = K L / (C^1.852 D^4.871) from the two powers.
double resistance_from_powers(double length_m, double c_power, double diameter_power) noexcept {
    return kHazenWilliamsK * length_m / (c_power * diameter_power);
}

// std::pow(x, exponent) for many x of which few are distinct (a network's pipe classes and
// catalogue diameters): each distinct x is raised once, the others found in a small
// direct-mapped table (a collision only costs a pow).
class PowerMemo {
public:
    explicit PowerMemo(double exponent) : exponent_(exponent) {}
    double operator()(double x) noexcept {
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
        Slot& s = slots_[((bits ^ (bits >> 29)) * 0x9e3779b97f4a7c15ULL) >> (64 - kSlotBits)];
        if (!s.filled || s.key != bits) s = {bits, std::pow(x, exponent_), true};
        return s.value;
    }

private:
    static constexpr int kSlotBits = 8;
    struct Slot {
        std::uint64_t key = 0;
        double value = 0.0;
        bool filled = false;
    };
    double exponent_;
    Slot slots_[1 << kSlotBits];
};
}  // namespace

double hazen_williams_resistance(double length_m, double diameter_m,
                                 double c_factor) noexcept {
    return resistance_from_powers(length_m, std::pow(c_factor, kHazenWilliamsFlowExp),
                                  std::pow(diameter_m, kHazenWilliamsDiamExp));
}

void hazen_williams_resistances(std::span<const double> length_m,
                                std::span<const double> diameter_m,
                                std::span<const double> c_factor, std::span<double> r) noexcept {
    PowerMemo c_power(kHazenWilliamsFlowExp), diameter_power(kHazenWilliamsDiamExp);
    for (std::size_t e = 0; e < r.size(); ++e)
        r[e] = resistance_from_powers(length_m[e], c_power(c_factor[e]),
                                      diameter_power(diameter_m[e]));
}

HeadLoss hazen_williams(double Q_m3_s, double length_m, double diameter_m,
                        double c_factor) noexcept {
    return hazen_williams_with_resistance(
        Q_m3_s, hazen_williams_resistance(length_m, diameter_m, c_factor));
}

// kFlowPowerTables, kSwameeJainPowerTables and kLogTables are constant data written at build
// time by cmake/friction_tables.cpp with this machine's std::pow and std::log.

double hazen_williams_linear_threshold(double length_m, double diameter_m,
                                       double c_factor) noexcept {
    const double r = hazen_williams_resistance(length_m, diameter_m, c_factor);
    return std::pow(kHazenWilliamsGradientFloor / (kHazenWilliamsFlowExp * r),
                    1.0 / (kHazenWilliamsFlowExp - 1.0));
}

}  // namespace heatnet::physics
