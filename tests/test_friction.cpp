// Tests for solver/physics/friction: Darcy friction factor laws, their
// derivatives w.r.t. Reynolds number, and the Hazen-Williams helper.
//
// Reference numbers and where they come from:
//  * Colebrook, high precision: fluids library (C. Bell, "fluids: Fluid
//    dynamics component of Chemical Engineering Design Library",
//    tests/test_friction.py and the Colebrook docstring):
//      Colebrook(Re=1e5, eD=1e-4)       = 0.018513866077471648
//      friction_factor(Re=1e5, eD=0)    = 0.01798977308427384  (Clamond 2009
//                                         solver, machine precision)
//      Swamee_Jain_1976(Re=1e5, eD=1e-4) = 0.018452424431901808 (written
//                                         with (6.97/Re)^0.9, see the test)
//  * Colebrook, chart precision: Moody (1944) diagram reads, see the
//    individual test cases.
//  * Colebrook, whole grid: computed in this file by bisection on the
//    Colebrook residual in long double (an algorithm independent of the
//    implementation's Newton iteration).
//  * EPANET Dunlop cubic: coefficients as printed in EPANET 2.2
//    src/hydcoeffs.c frictionFactor(), re-implemented here independently
//    with the 8-digit constant 0.0051421497.
//  * Hazen-Williams: hand computation in the test comment.

#include "solver/physics/friction.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cmath>
#include <limits>
#include <vector>

using namespace heatnet::physics;

namespace {

constexpr std::array kAllLaws{FrictionLaw::colebrook, FrictionLaw::swamee_jain,
                              FrictionLaw::nikuradse,
                              FrictionLaw::epanet_darcy_weisbach};

double rel_diff(double a, double b) { return std::fabs(a - b) / std::fabs(b); }

// log-spaced points lo..hi inclusive.
std::vector<double> logspace(double lo, double hi, int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i)
        v.push_back(std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (n - 1)));
    v.front() = lo;  // exact end points: exp(log(4000)) may land below 4000
    v.back() = hi;
    return v;
}

// Reference Colebrook solution by bisection on
//   F(x) = x + 2 log10(eps/3.7 + 2.51 x / Re),  x = 1/sqrt(lambda)
// in long double. F is strictly increasing in x, F(0.5) < 0 and F(100) > 0
// over the tested range (lambda between 1e-4 and 4), so the bracket is valid.
long double colebrook_bisection(long double re, long double eps) {
    auto f = [&](long double x) {
        return x + 2.0L * std::log10(eps / 3.7L + 2.51L * x / re);
    };
    long double lo = 0.5L, hi = 100.0L;
    REQUIRE(f(lo) < 0.0L);
    REQUIRE(f(hi) > 0.0L);
    for (;;) {
        const long double mid = 0.5L * (lo + hi);
        if (mid == lo || mid == hi) break;
        (f(mid) < 0.0L ? lo : hi) = mid;
    }
    const long double x = 0.5L * (lo + hi);
    return 1.0L / (x * x);
}

// Colebrook residual of a given lambda relative to 1/sqrt(lambda), in long
// double so that the check itself adds no double rounding.
double colebrook_relative_residual(double re, double eps, double lambda) {
    const long double x = 1.0L / std::sqrt(static_cast<long double>(lambda));
    const long double r = x + 2.0L * std::log10(eps / 3.7L + 2.51L * x / re);
    return static_cast<double>(std::fabs(r / x));
}

// Central finite difference of lambda with respect to Re.
double fd_dlambda(FrictionLaw law, double re, double eps) {
    const double h = re * 1e-6;
    return (friction_factor(law, re + h, eps).lambda -
            friction_factor(law, re - h, eps).lambda) /
           (2.0 * h);
}

const std::vector<double> kRoughness = [] {
    std::vector<double> v{0.0};
    for (double e : logspace(1e-6, 5e-2, 25)) v.push_back(e);
    return v;
}();

}  // namespace

TEST_CASE("colebrook matches the fluids library's published machine-precision values",
          "[friction][colebrook]") {
    // fluids tests/test_friction.py: Colebrook(1E5, 1E-4) = 0.018513866077471648
    CHECK(rel_diff(colebrook_white(1e5, 1e-4), 0.018513866077471648) < 1e-14);
    CHECK(rel_diff(friction_factor(FrictionLaw::colebrook, 1e5, 1e-4).lambda,
                   0.018513866077471648) < 1e-14);
    // fluids tests/test_friction.py: friction_factor(Re=1E5, eD=0) = 0.01798977308427384
    CHECK(rel_diff(colebrook_white(1e5, 0.0), 0.01798977308427384) < 1e-14);
}

TEST_CASE("colebrook agrees with published Moody chart reads at chart precision",
          "[friction][colebrook]") {
    struct ChartRead { double re, eps, lambda, abs_tol; };
    // Moody, L.F. (1944) "Friction factors for pipe flow", Trans. ASME 66,
    // 671-684, diagram reads as tabulated in the Pipey test suite
    // (A. Beckmeyer 2016, tests/test_utils.py, "colebrook versus Moody
    // diagram"), stated precision +-0.0006.
    const std::array<ChartRead, 4> pipey{{
        {6e3, 0.004, 0.0400, 0.0006},
        {1e6, 0.001, 0.0199, 0.0006},
        {2e5, 0.02, 0.0488, 0.0006},
        {8e8, 1e-5, 0.0082, 0.0006},
    }};
    // Moody (1944) reads quoted to 3 significant digits (+-1 %): smooth pipe
    // at Re 1e5 -> 0.0180; e/D 1e-4 at Re 1e6 -> 0.0134; e/D 1e-3 at Re 1e4
    // -> 0.0324.
    const std::array<ChartRead, 3> three_digit{{
        {1e5, 0.0, 0.0180, 0.01 * 0.0180},
        {1e6, 1e-4, 0.0134, 0.01 * 0.0134},
        {1e4, 1e-3, 0.0324, 0.01 * 0.0324},
    }};
    for (const auto& c : pipey) {
        INFO("Re = " << c.re << ", eps = " << c.eps);
        CHECK(std::fabs(colebrook_white(c.re, c.eps) - c.lambda) <= c.abs_tol);
    }
    for (const auto& c : three_digit) {
        INFO("Re = " << c.re << ", eps = " << c.eps);
        CHECK(std::fabs(friction_factor(FrictionLaw::colebrook, c.re, c.eps).lambda - c.lambda) <=
              c.abs_tol);
    }
}

TEST_CASE("colebrook solves the Colebrook equation to machine precision on the whole grid",
          "[friction][colebrook]") {
    for (double re : logspace(4e3, 1e8, 61)) {
        for (double eps : kRoughness) {
            INFO("Re = " << re << ", eps = " << eps);
            const double lambda = colebrook_white(re, eps);
            const double residual = colebrook_relative_residual(re, eps, lambda);
            const double ref = static_cast<double>(colebrook_bisection(re, eps));
            const double err = rel_diff(lambda, ref);
            CHECK(residual <= 1e-14);
            // 1e-15 ~ 4.5 ulp of lambda.
            CHECK(err <= 1e-15);
            // The full law must return the same turbulent value.
            CHECK(friction_factor(FrictionLaw::colebrook, re, eps).lambda == lambda);
        }
    }
}

TEST_CASE("colebrook_warm: machine precision from any warm start, every regime",
          "[friction][colebrook]") {
    // The Newton assembly's Colebrook solve starts from the pipe's last root (1/sqrt(lambda)
    // at the Reynolds number of the previous iteration). Whatever that start, near (a series
    // step from one log) or far (a log per step), the root must meet the same bound as a cold
    // solve against the long-double bisection, and the slope must be the cold solve's.
    const double changes[] = {1e-9, 1e-4, 1e-2, 0.3, 4.0};
    for (double re : logspace(4e3, 1e8, 31)) {
        for (double eps : kRoughness) {
            const double ref = static_cast<double>(colebrook_bisection(re, eps));
            const FrictionFactor cold = friction_factor(FrictionLaw::colebrook, re, eps);
            for (double change : changes) {
                for (double sign : {1.0, -1.0}) {
                    const double re_before = sign > 0 ? re * (1.0 + change) : re / (1.0 + change);
                    if (re_before < kTurbulentLimitRe) continue;  // no turbulent root before
                    INFO("Re = " << re << ", eps = " << eps << ", previous Re = " << re_before);
                    double root = 0.0;
                    (void)colebrook_warm(re_before, eps, root);
                    REQUIRE(root > 0.0);
                    const FrictionFactor warm = colebrook_warm(re, eps, root);
                    CHECK(rel_diff(warm.lambda, ref) <= 1e-15);
                    CHECK(colebrook_relative_residual(re, eps, warm.lambda) <= 1e-14);
                    CHECK(rel_diff(warm.dlambda_dRe, cold.dlambda_dRe) <= 1e-13);
                    CHECK(root == Approx(1.0 / std::sqrt(warm.lambda)).epsilon(1e-15));
                }
            }
        }
    }
    // Laminar and transition: the three-regime law itself, the warm start left alone.
    for (double re : {1e-3, 10.0, 1999.0, 2000.0, 2001.0, 3000.0, 3999.0}) {
        double root = 7.0;
        const FrictionFactor warm = colebrook_warm(re, 1e-3, root);
        const FrictionFactor law = friction_factor(FrictionLaw::colebrook, re, 1e-3);
        CHECK(warm.lambda == law.lambda);
        CHECK(warm.dlambda_dRe == law.dlambda_dRe);
        CHECK(root == 7.0);
    }
}

TEST_CASE("laminar branch is 64/Re for the switched laws; nikuradse adds the rough term",
          "[friction]") {
    for (double re : {1e-3, 1.0, 100.0, 1000.0, 1999.0, 2000.0}) {
        for (auto law : {FrictionLaw::colebrook, FrictionLaw::swamee_jain,
                         FrictionLaw::epanet_darcy_weisbach}) {
            const auto f = friction_factor(law, re, 1e-3);
            CHECK(rel_diff(f.lambda, 64.0 / re) < 1e-15);
            CHECK(rel_diff(f.dlambda_dRe, -64.0 / (re * re)) < 1e-15);
        }
    }
    // pandapipes: lambda = 64/Re + (-2 log10(eps/3.71))^-2. For eps = 1e-3:
    // log10(1e-3/3.71) = -3 - log10(3.71) = -3.569373909615045,
    // (2 * 3.569373909615045)^-2 = 0.019622513... (computed by hand/bc).
    const double rough = 1.0 / std::pow(2.0 * (3.0 + std::log10(3.71)), 2);
    CHECK(rough == Approx(0.0196225).epsilon(1e-5));
    for (double re : {10.0, 1e3, 3e3, 1e5, 1e8}) {
        const auto f = friction_factor(FrictionLaw::nikuradse, re, 1e-3);
        CHECK(rel_diff(f.lambda, 64.0 / re + rough) < 1e-14);
        CHECK(rel_diff(f.dlambda_dRe, -64.0 / (re * re)) < 1e-15);
    }
}

TEST_CASE("nikuradse with zero roughness is pure laminar and never NaN", "[friction][nikuradse]") {
    for (double re : {1e-6, 1.0, 2e3, 1e5, 1e9}) {
        const auto f = friction_factor(FrictionLaw::nikuradse, re, 0.0);
        CHECK(std::isfinite(f.lambda));
        CHECK(f.lambda == 64.0 / re);
        CHECK(f.dlambda_dRe == -64.0 / (re * re));
    }
}

TEST_CASE("dlambda/dRe matches central finite differences for every law and regime",
          "[friction][derivative]") {
    // Stencils (+-1e-6 Re) stay inside one regime for every point below.
    const std::array regimes{
        std::vector<double>{10.0, 500.0, 1500.0, 1990.0},                 // laminar
        std::vector<double>{2010.0, 2500.0, 3000.0, 3500.0, 3990.0},      // transition
        std::vector<double>{4010.0, 1e4, 1e5, 1e6, 1e7, 1e8},             // turbulent
    };
    for (auto law : kAllLaws) {
        for (const auto& res : regimes) {
            for (double re : res) {
                for (double eps : {0.0, 1e-6, 1e-4, 1e-3, 1e-2, 5e-2}) {
                    INFO("law " << static_cast<int>(law) << ", Re = " << re << ", eps = " << eps);
                    const auto f = friction_factor(law, re, eps);
                    const double fd = fd_dlambda(law, re, eps);
                    // At high Re and large roughness the turbulent slope is
                    // tiny; compare against the scale lambda/Re as well.
                    const double scale = std::max(std::fabs(fd), 1e-3 * f.lambda / re);
                    CHECK(std::fabs(f.dlambda_dRe - fd) <= 1e-6 * scale);
                }
            }
        }
    }
}

TEST_CASE("colebrook, swamee_jain and EPANET's cubic are C1 at Re = 2000 and Re = 4000", "[friction][continuity]") {
    for (auto law : {FrictionLaw::colebrook, FrictionLaw::swamee_jain,
                     FrictionLaw::epanet_darcy_weisbach}) {
        for (double eps : {0.0, 1e-6, 1e-4, 1e-3, 1e-2, 5e-2}) {
            INFO("law " << static_cast<int>(law) << ", eps = " << eps);
            for (double re_switch : {kLaminarLimitRe, kTurbulentLimitRe}) {
                const double below = std::nextafter(re_switch, 0.0);
                const double above = std::nextafter(re_switch, 1e9);
                const auto a = friction_factor(law, below, eps);
                const auto b = friction_factor(law, re_switch, eps);
                const auto c = friction_factor(law, above, eps);
                CHECK(rel_diff(a.lambda, b.lambda) < 1e-13);
                CHECK(rel_diff(c.lambda, b.lambda) < 1e-13);
                // EPANET's constants carry ~1e-10 relative rounding; our own
                // Hermite joins are exact up to double rounding.
                const double slope_tol =
                    law == FrictionLaw::epanet_darcy_weisbach ? 1e-8 : 1e-12;
                CHECK(rel_diff(a.dlambda_dRe, b.dlambda_dRe) < slope_tol);
                CHECK(rel_diff(c.dlambda_dRe, b.dlambda_dRe) < slope_tol);
            }
            // The end values themselves: 64/2000 at the laminar side and the
            // turbulent law at 4000.
            CHECK(rel_diff(friction_factor(law, std::nextafter(2000.0, 1e9), eps).lambda, 0.032) <
                  1e-13);
        }
    }
    // Regime switches sit exactly at 2000 and 4000: from 4000 on the
    // turbulent law is returned unchanged.
    for (double re : {4000.0, std::nextafter(4000.0, 1e9), 4000.5, 4001.5}) {
        for (double eps : {0.0, 1e-3}) {
            CHECK(friction_factor(FrictionLaw::colebrook, re, eps).lambda ==
                  colebrook_white(re, eps));
            CHECK(friction_factor(FrictionLaw::swamee_jain, re, eps).lambda ==
                  swamee_jain(re, eps));
        }
    }
    // Transition end point really is the turbulent law.
    CHECK(rel_diff(friction_factor(FrictionLaw::colebrook, std::nextafter(4000.0, 0.0), 1e-3).lambda,
                   colebrook_white(4000.0, 1e-3)) < 1e-13);
    CHECK(rel_diff(friction_factor(FrictionLaw::swamee_jain, std::nextafter(4000.0, 0.0), 1e-3).lambda,
                   swamee_jain(4000.0, 1e-3)) < 1e-13);
}

TEST_CASE("epanet_darcy_weisbach reproduces EPANET's laminar / Dunlop / Swamee-Jain branches",
          "[friction][epanet]") {
    for (double eps : {0.0, 1e-5, 1e-4, 1e-3, 1e-2, 5e-2}) {
        INFO("eps = " << eps);
        // Dunlop coefficients, independent re-implementation from the
        // EPANET 2.2 formulas (constant 0.0051421497 at its printed 8 digits).
        const double y = eps / 3.7 + 5.74 / std::pow(4000.0, 0.9);
        const double s = -2.0 * std::log(y) / std::log(10.0);
        const double fa = 1.0 / (s * s);
        const double fb = fa * (2.0 - 0.0051421497 / (y * s));
        const double x1 = 7.0 * fa - fb;
        const double x2 = 0.128 - 17.0 * fa + 2.5 * fb;
        const double x3 = -0.128 + 13.0 * fa - 2.0 * fb;
        const double x4 = 0.032 - 3.0 * fa + 0.5 * fb;
        // Value at x = 1 (Re = 2000) is the laminar 0.032; at x = 2 it is Fa.
        CHECK(std::fabs(x1 + x2 + x3 + x4 - 0.032) < 1e-15);
        CHECK(rel_diff(x1 + 2 * x2 + 4 * x3 + 8 * x4, fa) < 1e-13);
        // Fa is Swamee-Jain at Re = 4000.
        CHECK(rel_diff(fa, swamee_jain(4000.0, eps)) < 1e-13);
        CHECK(rel_diff(friction_factor(FrictionLaw::epanet_darcy_weisbach, 4000.0, eps).lambda, fa) <
              1e-13);
        for (double re : {2000.5, 2500.0, 3000.0, 3500.0, 3999.5}) {
            const double x = re / 2000.0;
            const double f = x1 + x2 * x + x3 * x * x + x4 * x * x * x;
            const double df = (x2 + 2.0 * x3 * x + 3.0 * x4 * x * x) / 2000.0;
            const auto got = friction_factor(FrictionLaw::epanet_darcy_weisbach, re, eps);
            // The 8-digit 0.0051421497 differs from EPANET's constant by
            // 4e-11 absolute, ~1e-9 relative in Fb.
            CHECK(rel_diff(got.lambda, f) < 1e-8);
            CHECK(rel_diff(got.dlambda_dRe, df) < 1e-6);
        }
        // Above 4000 EPANET is plain Swamee-Jain, our law's formula; its Re^-0.9 and logarithm
        // come from tables within a few ulp of std::pow and std::log (swamee_jain_reynolds_power,
        // swamee_jain_log), so the two agree to round-off rather than bit for bit.
        for (double re : {4000.0, 1e4, 1e6, 1e8}) {
            CHECK(rel_diff(friction_factor(FrictionLaw::epanet_darcy_weisbach, re, eps).lambda,
                           friction_factor(FrictionLaw::swamee_jain, re, eps).lambda) < 1e-14);
        }
    }
}

TEST_CASE("swamee_jain matches the fluids library and stays within its published band of "
          "Colebrook", "[friction][swamee_jain]") {
    // fluids tests/test_friction.py: Swamee_Jain_1976(1E5, 1E-4) =
    // 0.018452424431901808. fluids writes the Re term as (6.97/Re)^0.9, i.e.
    // 5.7386/Re^0.9 instead of Swamee & Jain's 5.74/Re^0.9, which moves
    // lambda by 1.1e-6 relative at this point; allow 2e-6.
    CHECK(rel_diff(swamee_jain(1e5, 1e-4), 0.018452424431901808) < 2e-6);
    CHECK(rel_diff(swamee_jain(1e5, 1e-4), 0.018452424431901808) > 5e-7);
    // By hand with 5.74: 5.74/1e5^0.9 = 5.74/31622.7766 = 1.815144e-4;
    // + 1e-4/3.7 = 2.085414e-4; log10 = -3.680806; 0.25/3.680806^2 = 0.01845245
    // (mpmath, 30 digits: 0.0184524453075663792).
    CHECK(rel_diff(swamee_jain(1e5, 1e-4), 0.0184524453075663792) < 1e-14);
    // Swamee & Jain (1976) state +-1 % against Colebrook for
    // 1e-6 <= e/D <= 1e-2, 5e3 <= Re <= 1e8; reviews (e.g. Brkic 2011,
    // J. Petrol. Sci. Eng. 77) find a maximum error of ~2-3 %. Check 3 %.
    for (double re : logspace(5e3, 1e8, 41)) {
        for (double eps : logspace(1e-6, 1e-2, 21)) {
            const double err = rel_diff(swamee_jain(re, eps), colebrook_white(re, eps));
            INFO("Re = " << re << ", eps = " << eps);
            CHECK(err < 0.03);  // worst on this grid: 2.83 % (Re 5e3, e/D 1e-2)
        }
    }
}

TEST_CASE("hazen_williams: SI constant, hand value, derivative, symmetry, low-flow segment",
          "[friction][hazen_williams]") {
    // EPANET 2.2 (hydcoeffs.c resistcoeff): h[ft] = 4.727 L Q^1.852 / (C^1.852
    // D^4.871) with L, D in ft and Q in cfs. With 1 ft = 0.3048 m:
    // K_SI = 4.727 * 0.3048^(4.871 - 3*1.852) = 4.727 * 0.3048^-0.685 = 10.66683.
    CHECK(rel_diff(kHazenWilliamsK, 4.727 * std::pow(0.3048, 4.871 - 3.0 * 1.852)) < 1e-15);

    // Hand computation, Q = 0.1 m3/s, L = 1000 m, D = 0.3 m, C = 120:
    //   Q^1.852  = 10^-1.852                     = 0.01406048
    //   C^1.852  = exp(1.852 ln 120) = exp(8.866435) = 7089.958
    //   D^4.871  = exp(4.871 ln 0.3) = exp(-5.864552) = 0.002838296
    //   h = 10.66683 * 1000 * 0.01406048 / (7089.958 * 0.002838296)
    //     = 149.9806 / 20.12340 = 7.45305 m
    //   dh/dQ = 1.852 h / Q = 1.852 * 7.453050 / 0.1 = 138.0305 m/(m3/s)
    // (the textbook-rounded K = 10.67 gives 7.4554 m, +0.03 %).
    const HeadLoss hl = hazen_williams(0.1, 1000.0, 0.3, 120.0);
    CHECK(hl.h_m == Approx(7.45305).epsilon(1e-6));
    CHECK(hl.dh_dQ == Approx(138.0305).epsilon(1e-6));

    // Odd symmetry of h, even symmetry of dh/dQ.
    for (double q : {0.0, 1e-12, 1e-6, 1e-3, 0.1, 2.0}) {
        const HeadLoss p = hazen_williams(q, 500.0, 0.2, 130.0);
        const HeadLoss n = hazen_williams(-q, 500.0, 0.2, 130.0);
        CHECK(n.h_m == -p.h_m);
        CHECK(n.dh_dQ == p.dh_dQ);
        CHECK(p.dh_dQ > 0.0);
    }
    CHECK(hazen_williams(0.0, 500.0, 0.2, 130.0).h_m == 0.0);

    // Derivative against central differences (away from the threshold).
    for (double q : {-0.5, -1e-3, 1e-4, 1e-2, 0.1, 0.8}) {
        const double dq = std::fabs(q) * 1e-6;
        const double fd = (hazen_williams(q + dq, 1000.0, 0.3, 120.0).h_m -
                           hazen_williams(q - dq, 1000.0, 0.3, 120.0).h_m) /
                          (2.0 * dq);
        CHECK(rel_diff(hazen_williams(q, 1000.0, 0.3, 120.0).dh_dQ, fd) < 1e-7);
    }

    // Low-flow linear segment: continuous value at the threshold Q0, slope
    // floor there on the HW side and floor/1.852 (the secant) below it.
    const double q0 = hazen_williams_linear_threshold(1000.0, 0.3, 120.0);
    CHECK(q0 > 1e-12);
    CHECK(q0 < 1e-9);  // ~3.04e-11 m3/s for this pipe (checked with mpmath)
    const HeadLoss lo = hazen_williams(q0 * (1.0 - 1e-9), 1000.0, 0.3, 120.0);
    const HeadLoss hi = hazen_williams(q0 * (1.0 + 1e-9), 1000.0, 0.3, 120.0);
    CHECK(rel_diff(lo.h_m, hi.h_m) < 1e-8);
    CHECK(rel_diff(lo.dh_dQ, kHazenWilliamsGradientFloor / 1.852) < 1e-15);
    CHECK(rel_diff(hi.dh_dQ, kHazenWilliamsGradientFloor) < 1e-8);
    // Linear below: h/Q constant.
    const HeadLoss tiny = hazen_williams(q0 * 1e-3, 1000.0, 0.3, 120.0);
    CHECK(rel_diff(tiny.h_m / (q0 * 1e-3), lo.h_m / (q0 * (1.0 - 1e-9))) < 1e-12);
}

TEST_CASE("the friction kernels' tables are this machine's std::pow and std::log, bit for bit",
          "[friction][hazen_williams]") {
    // They are constant data written at build time (cmake/friction_tables.cpp); the kernels'
    // few-ulp accuracy rests on each entry being libm's own value.
    // (Arguments through a volatile: the compiler must not fold the calls, correctly rounded.)
    using namespace heatnet::physics::detail;
    const auto mismatches = [](const FlowPowerTables& t, auto of) {
        int count = 0;
        for (int e = -1022; e <= 1023; ++e) {
            volatile double x = std::ldexp(1.0, e);
            count += t.exponent[e + 1022] != of(x);
        }
        for (int j = 0; j < kMantissaSlots; ++j) {
            volatile double m0 = 1.0 + (j + 0.5) / kMantissaSlots;
            count += t.centre[j] != of(m0);
            count += t.inv_centre[j] != 1.0 / m0;
        }
        return count;
    };
    CHECK(mismatches(kFlowPowerTables, [](double x) { return std::pow(x, kFlowPower); }) == 0);
    CHECK(mismatches(kSwameeJainPowerTables,
                     [](double x) { return std::pow(x, -kSwameeJainExp); }) == 0);
    CHECK(mismatches(kLogTables, [](double x) { return std::log(x); }) == 0);
}

TEST_CASE("hazen_williams_flow_power agrees with std::pow to a few units in the last place",
          "[friction][hazen_williams]") {
    // The reference is std::pow with the same exponent double (1.852 - 1, as the law uses).
    const double a = kHazenWilliamsFlowExp - 1.0;
    double worst = 0.0;
    for (int decade = -300; decade <= 300; ++decade)
        for (double m : {1.0, 1.0 + 1.0 / 512, 1.0 + 1.0 / 256, 1.234567890123, 1.5,
                         std::nextafter(2.0, 1.0), 3.999999, 7.3, 9.87654321}) {
            const double q = m * std::pow(10.0, decade);
            const double ref = std::pow(q, a);
            worst = std::max(worst, std::fabs(hazen_williams_flow_power(q) - ref) / ref);
            CHECK(hazen_williams_flow_power(-q) == hazen_williams_flow_power(q));
        }
    // every table interval's ends and middle at one binade
    for (int j = 0; j < 256; ++j)
        for (double off : {0.0, 0.25, 0.5, 0.999999}) {
            const double q = 1.0 + (j + off) / 256.0;
            worst = std::max(worst, std::fabs(hazen_williams_flow_power(q) - std::pow(q, a)) / std::pow(q, a));
        }
    CHECK(worst < 1e-15);  // glibc's pow is within 1 ulp (2.2e-16)
    CHECK(hazen_williams_flow_power(0.0) == 0.0);
    CHECK(hazen_williams_flow_power(1e-310) == std::pow(1e-310, a));  // subnormal: std::pow
    CHECK(std::isinf(hazen_williams_flow_power(std::numeric_limits<double>::infinity())));
    CHECK(std::isnan(hazen_williams_flow_power(std::numeric_limits<double>::quiet_NaN())));
}

TEST_CASE("swamee_jain_reynolds_power and swamee_jain_log agree with std::pow(re, -0.9) and std::log to a few ulp",
          "[friction][epanet]") {
    const double a = -0.9;
    double worst = 0.0;
    for (int decade = -300; decade <= 300; ++decade)
        for (double m : {1.0, 1.0 + 1.0 / 512, 1.0 + 1.0 / 256, 1.234567890123, 1.5,
                         std::nextafter(2.0, 1.0), 3.999999, 7.3, 9.87654321}) {
            const double re = m * std::pow(10.0, decade);
            worst = std::max(worst, std::fabs(detail::swamee_jain_reynolds_power(re) -
                                              std::pow(re, a)) / std::pow(re, a));
        }
    // every table interval's ends and middle at one binade, and the turbulent range densely
    for (int j = 0; j < 256; ++j)
        for (double off : {0.0, 0.25, 0.5, 0.999999}) {
            const double re = 4096.0 * (1.0 + (j + off) / 256.0);
            worst = std::max(worst, std::fabs(detail::swamee_jain_reynolds_power(re) -
                                              std::pow(re, a)) / std::pow(re, a));
        }
    for (double re = 4000.0; re < 1e9; re *= 1.0007)
        worst = std::max(worst, std::fabs(detail::swamee_jain_reynolds_power(re) -
                                          std::pow(re, a)) / std::pow(re, a));
    CHECK(worst < 1e-15);  // glibc's pow is within 1 ulp (2.2e-16)
    CHECK(std::isinf(detail::swamee_jain_reynolds_power(0.0)));
    CHECK(detail::swamee_jain_reynolds_power(1e-310) == std::pow(1e-310, a));  // subnormal
    CHECK(detail::swamee_jain_reynolds_power(std::numeric_limits<double>::infinity()) == 0.0);
    CHECK(std::isnan(detail::swamee_jain_reynolds_power(std::numeric_limits<double>::quiet_NaN())));
    // swamee_jain_log against std::log: every decade down to the smallest normal number, every
    // table interval, Swamee-Jain's own range densely, and std::log's answer from 0.5 on
    double worst_log = 0.0;
    auto log_error = [](double y) {
        return std::fabs(detail::swamee_jain_log(y) - std::log(y)) / std::fabs(std::log(y));
    };
    for (int decade = -307; decade <= -1; ++decade)
        for (double m : {1.0, 1.0 + 1.0 / 512, 1.234567890123, 1.5, 3.999999, 4.99999})
            worst_log = std::max(worst_log, log_error(m * std::pow(10.0, decade)));
    for (int j = 0; j < 256; ++j)
        for (double off : {0.0, 0.25, 0.5, 0.999999})
            worst_log = std::max(worst_log, log_error(0.25 * (1.0 + (j + off) / 256.0)));
    for (double y = 1e-6; y < 0.5; y *= 1.0003) worst_log = std::max(worst_log, log_error(y));
    CHECK(worst_log < 1e-15);
    for (double y : {0.5, 0.75, 1.0, 3.0, 1e300})
        CHECK(detail::swamee_jain_log(y) == std::log(y));
    CHECK(detail::swamee_jain_log(1e-310) == std::log(1e-310));  // subnormal
    CHECK(std::isnan(detail::swamee_jain_log(-1.0)));
    // the EPANET Swamee-Jain branch with them agrees with the std::pow / std::log one to
    // round-off
    for (double re : {4000.0, 1.2345e4, 3e5, 7.7e6, 1e8})
        for (double eps : {0.0, 1e-5, 1e-3, 0.05}) {
            const FrictionFactor fast = detail::epanet_swamee_jain(re, eps);
            const FrictionFactor ref = detail::swamee_jain_turbulent(re, eps);
            CHECK(std::fabs(fast.lambda - ref.lambda) <= 1e-14 * ref.lambda);
            CHECK(std::fabs(fast.dlambda_dRe - ref.dlambda_dRe) <= 1e-13 * std::fabs(ref.dlambda_dRe));
        }
}

TEST_CASE("hazen_williams_resistances: every pipe's r as hazen_williams_resistance, bit for bit",
          "[friction][hazen_williams]") {
    // Many pipes of few classes and diameters (the memo's case), values that share a slot
    // of its table, and values seen once; each r must be the single-pipe function's value.
    std::vector<double> length, diameter, c;
    for (int e = 0; e < 5000; ++e) {
        length.push_back(10.0 + 0.37 * e);
        diameter.push_back(e % 3 == 0 ? 0.05 + 1e-4 * e : 0.1 * (1 + e % 7));
        c.push_back(e % 5 == 0 ? 80.0 + 0.01 * e : 100.0 + 10.0 * (e % 4));
    }
    std::vector<double> r(length.size());
    hazen_williams_resistances(length, diameter, c, r);
    for (std::size_t e = 0; e < r.size(); ++e) {
        INFO("pipe " << e);
        const double ref = hazen_williams_resistance(length[e], diameter[e], c[e]);
        CHECK(std::bit_cast<std::uint64_t>(r[e]) == std::bit_cast<std::uint64_t>(ref));
    }
    // and against the formula itself: 10.67 L / (C^1.852 D^4.871), 1 km DN300 C=120
    std::vector<double> one(1);
    hazen_williams_resistances(std::vector<double>{1000.0}, std::vector<double>{0.3},
                               std::vector<double>{120.0}, one);
    CHECK(one[0] == Approx(kHazenWilliamsK * 1000.0 /
                           (std::pow(120.0, 1.852) * std::pow(0.3, 4.871))).epsilon(1e-15));
}
