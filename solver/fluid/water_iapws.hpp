// Reference (exact, slow) properties of liquid water.
//
// Sources:
//  - IAPWS R7-97(2012), "Revised Release on the IAPWS Industrial Formulation
//    1997 for the Thermodynamic Properties of Water and Steam" (IAPWS-IF97):
//    region 1 (compressed liquid, eq. 7, Table 2) and region 4 (saturation
//    line, eqs. 30/31, Table 34).
//  - IAPWS R12-08, "Release on the IAPWS Formulation 2008 for the Viscosity
//    of Ordinary Water Substance" (Huber et al., J. Phys. Chem. Ref. Data
//    38 (2009) 101-125): eqs. 10-12, Tables 1-2 (verification: Table 4).
//
// These are the ground truth for the fast WaterTable and for tests; they are
// too slow (34-term polynomial, pow()) for the solver's inner loops.
// All quantities are SI: K, Pa, kg/m3, J/kg, J/(kg K), Pa s.
#pragma once
#include <array>

namespace heatnet::fluid::iapws {

// IF97 specific gas constant of water, R7-97(2012) eq. 1 [J/(kg K)].
inline constexpr double kR = 461.526;

// ---------------------------------------------------------------------------
// Region 1: dimensionless Gibbs free energy
//   gamma(pi, tau) = sum_i n_i (7.1 - pi)^I_i (tau - 1.222)^J_i
// with pi = p / 16.53 MPa, tau = 1386 K / T  (R7-97(2012) eq. 7).
// ---------------------------------------------------------------------------
inline constexpr double kRegion1PStar = 16.53e6;  // Pa
inline constexpr double kRegion1TStar = 1386.0;   // K

struct Region1Term {
    int I;
    int J;
    double n;
};

// R7-97(2012) Table 2: coefficients and exponents of eq. 7.
inline constexpr std::array<Region1Term, 34> kRegion1Terms{{
    {0, -2, 0.14632971213167},     {0, -1, -0.84548187169114},
    {0, 0, -0.37563603672040e1},   {0, 1, 0.33855169168385e1},
    {0, 2, -0.95791963387872},     {0, 3, 0.15772038513228},
    {0, 4, -0.16616417199501e-1},  {0, 5, 0.81214629983568e-3},
    {1, -9, 0.28319080123804e-3},  {1, -7, -0.60706301565874e-3},
    {1, -1, -0.18990068218419e-1}, {1, 0, -0.32529748770505e-1},
    {1, 1, -0.21841717175414e-1},  {1, 3, -0.52838357969930e-4},
    {2, -3, -0.47184321073267e-3}, {2, 0, -0.30001780793026e-3},
    {2, 1, 0.47661393906987e-4},   {2, 3, -0.44141845330846e-5},
    {2, 17, -0.72694996297594e-15}, {3, -4, -0.31679644845054e-4},
    {3, 0, -0.28270797985312e-5},  {3, 6, -0.85205128120103e-9},
    {4, -5, -0.22425281908000e-5}, {4, -2, -0.65171222895601e-6},
    {4, 10, -0.14341729937924e-12}, {5, -8, -0.40516996860117e-6},
    {8, -11, -0.12734301741641e-8}, {8, -6, -0.17424871230634e-9},
    {21, -29, -0.68762131295531e-18}, {23, -31, 0.14478307828521e-19},
    {29, -38, 0.26335781662795e-22}, {30, -39, -0.11947622640071e-22},
    {31, -40, 0.18228094581404e-23}, {32, -41, -0.93537087292458e-25},
}};

// IF97 region 1 (valid 273.15 K <= T <= 623.15 K, p_sat(T) <= p <= 100 MPa).
double density_kg_m3(double T_K, double p_Pa);
double specific_heat_cp_J_kgK(double T_K, double p_Pa);
double specific_enthalpy_J_kg(double T_K, double p_Pa);

// Density and cp from one region 1 evaluation: the same values as density_kg_m3 and
// specific_heat_cp_J_kgK (the table build needs both at every sample point).
struct Region1Liquid {
    double density_kg_m3;
    double cp_J_kgK;
};
Region1Liquid region1_liquid(double T_K, double p_Pa);

// IAPWS 2008 viscosity, mu = mu0(T) * mu1(T, rho), critical enhancement
// mu2 taken as 1 (see the .cpp for why that is exact enough here).
double dynamic_viscosity_Pa_s(double T_K, double rho_kg_m3);

// IF97 region 4 (273.15 K <= T <= 647.096 K).
double saturation_pressure_Pa(double T_K);     // eq. 30
double saturation_temperature_K(double p_Pa);  // eq. 31 (backward)

}  // namespace heatnet::fluid::iapws
