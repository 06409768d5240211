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

namespace heatnet::fluid::iapws {

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
