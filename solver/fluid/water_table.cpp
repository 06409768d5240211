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

// Monomial coefficients on t in [0, 1] of the cubic Hermite interpolant with
// end values f0, f1 and end slopes s0, s1 (per unit t, i.e. already * step).
void hermite(double f0, double f1, double s0, double s1, double out[4]) {
    out[0] = f0;
    out[1] = s0;
    out[2] = -3.0 * f0 + 3.0 * f1 - 2.0 * s0 - s1;
    out[3] = 2.0 * f0 - 2.0 * f1 + s0 + s1;
}

// The values of a property f(T [deg C], p [Pa abs]) one table node needs: f(T + k h, p_ref)
// for k = -2..2 (h = kFdStepT) and f(T, p_ref -/+ kFdStepP).
template <class Value>
struct NodeSamples {
    Value at_T[5];
    Value p_minus;
    Value p_plus;
};

// Samples f at every grid node. Value may bundle several properties: the IF97 region 1
// evaluation behind density, cp and viscosity is then done once per sample point.
template <class Value, class F>
std::vector<NodeSamples<Value>> sample_nodes(const F& f, bool with_pressure) {
    const double p_ref = WaterTable::kReferencePressurePa;
    const double h = kFdStepT;
    std::vector<NodeSamples<Value>> nodes(kCells + 1);
    for (int i = 0; i <= kCells; ++i) {
        const double T = WaterTable::kTableMinC + i * WaterTable::kStepK;
        NodeSamples<Value>& n = nodes[i];
        n.at_T[0] = f(T - 2.0 * h, p_ref);
        n.at_T[1] = f(T - h, p_ref);
        n.at_T[2] = f(T, p_ref);
        n.at_T[3] = f(T + h, p_ref);
        n.at_T[4] = f(T + 2.0 * h, p_ref);
        if (with_pressure) {
            n.p_minus = f(T, p_ref - kFdStepP);
            n.p_plus = f(T, p_ref + kFdStepP);
        }
    }
    return nodes;
}

// Tabulates f(T, p_ref) (cubic Hermite in T, slopes by a 5-point central difference) and
// df/dp, d2f/dp2 at p_ref (linear in T: these terms are already ~1e-3 and ~1e-6 of f, so
// linear interpolation error on a 0.5 K grid is ~1e-8 of f or less). get picks f's value
// out of a sample.
template <class Value, class Get>
std::vector<WaterTable::Cell> build(const std::vector<NodeSamples<Value>>& nodes, const Get& get,
                                    bool with_pressure) {
    std::vector<double> v(kCells + 1), vT(kCells + 1);
    std::vector<double> g(kCells + 1, 0.0), c(kCells + 1, 0.0);
    for (int i = 0; i <= kCells; ++i) {
        const NodeSamples<Value>& n = nodes[i];
        v[i] = get(n.at_T[2]);
        vT[i] = (get(n.at_T[0]) - 8.0 * get(n.at_T[1]) + 8.0 * get(n.at_T[3]) - get(n.at_T[4])) /
                (12.0 * kFdStepT);
        if (with_pressure) {
            const double f_minus = get(n.p_minus), f_plus = get(n.p_plus);
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

struct LiquidSample {
    double density;
    double viscosity;
    double specific_heat;
};

// Viscosity along the IF97 liquid density, as IAPWS R12-08 prescribes for industrial use
// (density from IF97).
LiquidSample liquid_sample(double T_C, double p) {
    const double T_K = T_C + kKelvinOffset;
    const iapws::Region1Liquid r1 = iapws::region1_liquid(T_K, p);
    return {r1.density_kg_m3, iapws::dynamic_viscosity_Pa_s(T_K, r1.density_kg_m3), r1.cp_J_kgK};
}

}  // namespace

WaterTable::WaterTable() {
    const auto liquid = sample_nodes<LiquidSample>(liquid_sample, true);
    density_ = build(liquid, [](const LiquidSample& s) { return s.density; }, true);
    viscosity_ = build(liquid, [](const LiquidSample& s) { return s.viscosity; }, true);
    specific_heat_ = build(liquid, [](const LiquidSample& s) { return s.specific_heat; }, true);
    auto psat = [](double T_C, double /*p*/) {
        return iapws::saturation_pressure_Pa(T_C + kKelvinOffset);
    };
    const auto saturation = sample_nodes<double>(psat, false);
    saturation_pressure_ = build(saturation, [](double s) { return s; }, false);
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
