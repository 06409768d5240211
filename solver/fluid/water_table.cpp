#include "solver/fluid/water_table.hpp"

#include <algorithm>

#include "solver/fluid/water_iapws.hpp"

namespace heatnet::fluid {
namespace {

constexpr double kKelvinOffset = 273.15;
constexpr int kCells = WaterTable::kCells;
static_assert(kCells > 0);
static_assert(sizeof(WaterTable::Cell) == 64, "one cell must be one cache line");

// Finite-difference steps for the tabulated derivatives. The reference
// formulas are smooth, so a 5-point central stencil in T (truncation ~dT^4)
// and 3-point stencils in p (truncation ~dp^2) are accurate far beyond the
// 1e-5 target, while the steps are large enough to keep round-off at
// ~1e-12 relative (~1e-13 for the second derivative term after scaling).
constexpr double kFdStepT = 0.05;   // K
constexpr double kFdStepP = 1.0e5;  // Pa

// df/dp and d2f/dp2 from f at p - kFdStepP, p, p + kFdStepP (f is a property as a function
// of (T [deg C], p [Pa abs])).
double d_dp(double f_minus, double f_plus) {
    return (f_plus - f_minus) / (2.0 * kFdStepP);
}

double d2_dp2(double f_minus, double f_0, double f_plus) {
    return (f_plus - 2.0 * f_0 + f_minus) / (kFdStepP * kFdStepP);
}

// 5-point central difference dg/dT.
template <class G>
double d_dT(const G& g, double T_C) {
    const double h = kFdStepT;
    return (g(T_C - 2.0 * h) - 8.0 * g(T_C - h) + 8.0 * g(T_C + h) - g(T_C + 2.0 * h)) /
           (12.0 * h);
}

// Monomial coefficients on t in [0, 1] of the cubic Hermite interpolant with
// end values f0, f1 and end slopes s0, s1 (per unit t, i.e. already * step).
void hermite(double f0, double f1, double s0, double s1, double out[4]) {
    out[0] = f0;
    out[1] = s0;
    out[2] = -3.0 * f0 + 3.0 * f1 - 2.0 * s0 - s1;
    out[3] = 2.0 * f0 - 2.0 * f1 + s0 + s1;
}

// Tabulates f(T, p_ref) (cubic Hermite in T, exact slopes by finite
// differences) and df/dp, d2f/dp2 at p_ref (linear in T: these terms are
// already ~1e-3 and ~1e-6 of f, so linear interpolation error on a 0.5 K
// grid is ~1e-8 of f or less).
template <class F>
std::vector<WaterTable::Cell> build(const F& f, bool with_pressure) {
    const double p_ref = WaterTable::kReferencePressurePa;
    auto value = [&](double T_C) { return f(T_C, p_ref); };

    std::vector<double> v(kCells + 1), vT(kCells + 1);
    std::vector<double> g(kCells + 1, 0.0), c(kCells + 1, 0.0);
    for (int i = 0; i <= kCells; ++i) {
        const double T = WaterTable::kTableMinC + i * WaterTable::kStepK;
        v[i] = value(T);
        vT[i] = d_dT(value, T);
        if (with_pressure) {
            const double f_minus = f(T, p_ref - kFdStepP), f_plus = f(T, p_ref + kFdStepP);
            g[i] = d_dp(f_minus, f_plus);
            c[i] = 0.5 * d2_dp2(f_minus, v[i], f_plus);  // Taylor coefficient
        }
    }

    std::vector<WaterTable::Cell> cells(kCells);
    const double h = WaterTable::kStepK;
    for (int i = 0; i < kCells; ++i) {
        WaterTable::Cell& cell = cells[i];
        hermite(v[i], v[i + 1], h * vT[i], h * vT[i + 1], cell.value);
        cell.dp[0] = g[i];
        cell.dp[1] = g[i + 1] - g[i];
        cell.dp2[0] = c[i];
        cell.dp2[1] = c[i + 1] - c[i];
    }
    return cells;
}


}  // namespace

WaterTable::WaterTable() {
    auto rho = [](double T_C, double p) {
        return iapws::density_kg_m3(T_C + kKelvinOffset, p);
    };
    // Viscosity along the IF97 liquid density, as IAPWS R12-08 prescribes
    // for industrial use (density from IF97).
    auto mu = [](double T_C, double p) {
        const double T_K = T_C + kKelvinOffset;
        return iapws::dynamic_viscosity_Pa_s(T_K, iapws::density_kg_m3(T_K, p));
    };
    auto cp = [](double T_C, double p) {
        return iapws::specific_heat_cp_J_kgK(T_C + kKelvinOffset, p);
    };
    auto psat = [](double T_C, double /*p*/) {
        return iapws::saturation_pressure_Pa(T_C + kKelvinOffset);
    };
    density_ = build(rho, true);
    viscosity_ = build(mu, true);
    specific_heat_ = build(cp, true);
    saturation_pressure_ = build(psat, false);
}

const WaterTable& WaterTable::instance() {
    static const WaterTable table;  // C++11 guarantees thread-safe init
    return table;
}

double WaterTable::saturation_pressure(double T_C) const {
    return evaluate(saturation_pressure_, T_C, 0.0);
}

bool WaterTable::in_range(double T_C) const {
    return T_C >= kMinTemperatureC && T_C <= kMaxTemperatureC;
}

}  // namespace heatnet::fluid
