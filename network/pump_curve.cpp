// Pump curves: the spec's least-squares quadratic h(Q) = a + bQ + cQ^2 through the points.
//  * 3+ points: least squares (exact for three points).
//  * 2 points: h = a + cQ^2 through both (b = 0), the usual two-point pump model.
//  * 1 point (Qd, Hd): EPANET's convention, shut-off head 1.33334 Hd and zero head at 2 Qd,
//    then the exact quadratic through those three points.
#include <cmath>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet {
namespace {
constexpr double kM3hToM3s = 1.0 / 3600.0;

[[noreturn]] void bad_curve(std::string_view kind, std::string_view id, const std::string& reason) {
  throw NetworkError(ErrorCode::invalid_value, std::string(kind), std::string(id), "points_m3_h_m",
                     "", reason);
}
}  // namespace

PumpCurve fit_pump_curve(const CurvePoints& points, std::string_view kind, std::string_view id) {
  if (points.empty()) bad_curve(kind, id, "needs at least one [flow_m3_h, head_m] point");
  for (const auto& p : points) {
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
      bad_curve(kind, id, "point [" + format_value(p[0]) + ", " + format_value(p[1]) +
                              "] is not finite");
    if (p[0] < 0) bad_curve(kind, id, "flow " + format_value(p[0]) + " m3/h is negative");
  }
  CurvePoints pts = points;
  if (pts.size() == 1) {
    const double qd = pts[0][0], hd = pts[0][1];
    if (qd <= 0 || hd <= 0) bad_curve(kind, id, "a one-point curve needs flow > 0 and head > 0");
    pts = {{0.0, 1.33334 * hd}, {qd, hd}, {2.0 * qd, 0.0}};
  }
  PumpCurve c;
  double qmax = 0;
  for (const auto& p : pts) qmax = std::max(qmax, p[0] * kM3hToM3s);
  c.max_flow_m3_s = qmax;
  if (pts.size() == 2) {
    const double q1 = pts[0][0] * kM3hToM3s, h1 = pts[0][1];
    const double q2 = pts[1][0] * kM3hToM3s, h2 = pts[1][1];
    if (q1 * q1 == q2 * q2) bad_curve(kind, id, "the two points have the same flow");
    c.c = (h2 - h1) / (q2 * q2 - q1 * q1);
    c.a = h1 - c.c * q1 * q1;
    c.b = 0.0;
  } else {
    // Normal equations of the 3-parameter fit, scaled by qmax for conditioning.
    const double s = qmax > 0 ? qmax : 1.0;
    double m[3][4] = {};
    for (const auto& p : pts) {
      const double x = p[0] * kM3hToM3s / s, h = p[1];
      const double phi[3] = {1.0, x, x * x};
      for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) m[i][j] += phi[i] * phi[j];
        m[i][3] += phi[i] * h;
      }
    }
    for (int col = 0; col < 3; ++col) {  // Gaussian elimination with partial pivoting
      int piv = col;
      for (int r = col + 1; r < 3; ++r)
        if (std::abs(m[r][col]) > std::abs(m[piv][col])) piv = r;
      if (std::abs(m[piv][col]) < 1e-14)
        bad_curve(kind, id, "points do not determine a quadratic (need three distinct flows)");
      for (int j = 0; j < 4; ++j) std::swap(m[col][j], m[piv][j]);
      for (int r = 0; r < 3; ++r) {
        if (r == col) continue;
        const double f = m[r][col] / m[col][col];
        for (int j = col; j < 4; ++j) m[r][j] -= f * m[col][j];
      }
    }
    c.a = m[0][3] / m[0][0];
    c.b = m[1][3] / m[1][1] / s;
    c.c = m[2][3] / m[2][2] / (s * s);
  }
  if (!(c.a > 0)) bad_curve(kind, id, "fitted shut-off head " + format_value(c.a) + " m must be > 0");
  if (!(c.slope(qmax) < 0))
    bad_curve(kind, id, "fitted head must fall with flow at the largest point (unstable curve)");
  return c;
}

}  // namespace heatnet
