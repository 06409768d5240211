// Pump curve evaluation for every curve form, and EPANET 2.x's curve rules
// (OpenWaterAnalytics/EPANET src/hydraul.c updatepumpparams / powercurve, curvecoeff):
//  * 1 point (Qd, Hd): shut-off head 1.33334 Hd, (Qd, Hd), zero head at 2 Qd, then the power fit;
//  * 3 points, the first at Q = 0: h = A - B Q^C fitted exactly (A = H0,
//    C = ln((H0 - H2)/(H0 - H1)) / ln(Q2/Q1), B = (H0 - H1)/Q1^C), rejected unless heads fall
//    strictly, 0 < Q1 < Q2 and 0 < C <= 20 (EPANET error 227);
//  * any other count: piecewise-linear through the points, the end segments extended; heads
//    must fall strictly (EPANET error 227). Shut-off head (XHEAD test) = head of the first point.
#include <algorithm>
#include <cmath>
#include <limits>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet {
namespace {
constexpr double kM3hToM3s = 1.0 / 3600.0;
constexpr double kTiny = 1e-6;  // EPANET's TINY

[[noreturn]] void bad_curve(std::string_view kind, std::string_view id, const std::string& reason) {
  throw NetworkError(ErrorCode::invalid_value, std::string(kind), std::string(id), "points_m3_h_m",
                     "", reason);
}

// Index k1 of the segment [k1, k1 + 1] EPANET uses for flow q (curvecoeff).
std::size_t segment(const std::vector<double>& x, double q) {
  std::size_t k2 = 0;
  while (k2 < x.size() && x[k2] < q) ++k2;
  if (k2 == 0) k2 = 1;
  else if (k2 == x.size()) --k2;
  return k2 - 1;
}
}  // namespace

// A quadratic curve against reverse flow (q < 0): the head rises from the shut-off head as
// the square of the reverse flow, a + min(b, 0) q + |c| q^2 (a running centrifugal pump needs
// more than its shut-off head to be pushed backwards). So the head falls monotonically with
// the flow through zero, as EPANET's power curve A - B |Q|^(C-1) Q does. The parabola itself,
// extrapolated, would fall again for reverse flow: a loss law falling with the flow, whose
// Newton step pushes a reversed pump further back each iteration (the flow's exponent
// doubling) until the solve diverges.
double PumpCurve::head(double q) const {
  switch (form) {
    case PumpCurveForm::quadratic:
      if (q < 0) return a + std::min(b, 0.0) * q + std::abs(c) * q * q;
      return a + (b + c * q) * q;
    case PumpCurveForm::power: {
      const double aq = std::abs(q);
      return aq > 0 ? a - b * std::pow(aq, c - 1.0) * q : a;
    }
    case PumpCurveForm::piecewise: {
      const std::size_t k = segment(q_m3_s, std::abs(q));
      const double r = (h_m[k + 1] - h_m[k]) / (q_m3_s[k + 1] - q_m3_s[k]);
      return h_m[k] + r * (q - q_m3_s[k]);
    }
    case PumpCurveForm::constant_power: return a / q;
  }
  return 0.0;
}

double PumpCurve::slope(double q) const {
  switch (form) {
    case PumpCurveForm::quadratic:
      if (q < 0) return std::min(b, 0.0) + 2.0 * std::abs(c) * q;
      return b + 2.0 * c * q;
    case PumpCurveForm::power: return -b * c * std::pow(std::abs(q), c - 1.0);
    case PumpCurveForm::piecewise: {
      const std::size_t k = segment(q_m3_s, std::abs(q));
      return (h_m[k + 1] - h_m[k]) / (q_m3_s[k + 1] - q_m3_s[k]);
    }
    case PumpCurveForm::constant_power: return -a / (q * q);
  }
  return 0.0;
}

PumpCurve constant_power_curve(double power_kW) {
  PumpCurve c;
  c.form = PumpCurveForm::constant_power;
  c.a = kEpanetPowerHead * power_kW;
  c.shutoff_head_m = std::numeric_limits<double>::infinity();
  c.max_flow_m3_s = 0.0;
  return c;
}

PumpCurve fit_epanet_pump_curve(const CurvePoints& points, std::string_view kind,
                                std::string_view id) {
  if (points.empty()) bad_curve(kind, id, "needs at least one [flow_m3_h, head_m] point");
  for (const auto& p : points) {
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
      bad_curve(kind, id, "point [" + format_value(p[0]) + ", " + format_value(p[1]) +
                              "] is not finite");
    if (p[0] < 0) bad_curve(kind, id, "flow " + format_value(p[0]) + " m3/h is negative");
  }
  PumpCurve c;
  std::vector<std::array<double, 2>> pts;
  for (const auto& p : points) pts.push_back({p[0] * kM3hToM3s, p[1]});
  if (pts.size() == 1) {
    const double qd = pts[0][0], hd = pts[0][1];
    pts = {{0.0, 1.33334 * hd}, {qd, hd}, {2.0 * qd, 0.0}};
  }
  if (pts.size() == 3 && pts[0][0] == 0.0) {
    const double h0 = pts[0][1], h1 = pts[1][1], h2 = pts[2][1];
    const double q1 = pts[1][0], q2 = pts[2][0];
    // EPANET tests these in its internal units (ft, cfs); TINY there is ~1e-6 ft or cfs.
    if (h0 < kTiny || h0 - h1 < kTiny || h1 - h2 < kTiny || q1 < kTiny * 0.0283 ||
        q2 - q1 < kTiny * 0.0283)
      bad_curve(kind, id,
                "EPANET power curve needs falling heads and rising flows (EPANET error 227)");
    const double cexp = std::log((h0 - h2) / (h0 - h1)) / std::log(q2 / q1);
    if (!(cexp > 0.0 && cexp <= 20.0))
      bad_curve(kind, id, "EPANET power curve exponent " + format_value(cexp) +
                              " outside 0..20 (EPANET error 227)");
    c.form = PumpCurveForm::power;
    c.a = h0;
    c.c = cexp;
    c.b = (h0 - h1) / std::pow(q1, cexp);
    c.shutoff_head_m = h0;
    c.max_flow_m3_s = std::pow(c.a / c.b, 1.0 / c.c);
    return c;
  }
  if (pts.size() < 2) bad_curve(kind, id, "needs at least two points");
  for (std::size_t k = 1; k < pts.size(); ++k) {
    if (!(pts[k][1] < pts[k - 1][1]))
      bad_curve(kind, id, "EPANET multi-point pump curve heads must fall strictly (EPANET error 227)");
    if (!(pts[k][0] > pts[k - 1][0]))
      bad_curve(kind, id, "flows must rise strictly along the curve");
  }
  c.form = PumpCurveForm::piecewise;
  for (const auto& p : pts) {
    c.q_m3_s.push_back(p[0]);
    c.h_m.push_back(p[1]);
  }
  c.a = pts.front()[1];
  c.shutoff_head_m = pts.front()[1];
  c.max_flow_m3_s = pts.back()[0];
  return c;
}

}  // namespace heatnet
