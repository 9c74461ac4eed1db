"""Index names for the arrays the kernels share with Python.

The kernels see only contiguous float64/int64 arrays and scalars. A
particle's vectors are the rows of one array ``vectors``, its real numbers
the slots of ``scalars`` and its counts the slots of ``counters``; these
constants name the rows and slots, so that Python and nopython code read the
same layout. Equation numbers refer to docs/algorithm.rst.
"""

# Rows of ``vectors``, shape (N_ROWS, n).
Q = 0        # position q
U = 1        # momentum direction-and-size u, with p = exp(lam) * u (see leapfrog)
G = 2        # grad F + w_d q at q when weight_decay > 0 (and at q_0); else unused
Z = 3        # standard normal draws for the bounces of this step
X_BEST = 4   # best point seen
G_BEST = 5   # gradient at the best point
LOWER = 6    # lower bounds of q (-inf where unbounded)
UPPER = 7    # upper bounds of q (+inf where unbounded)
N_ROWS = 8

# Slots of ``scalars``.
F0 = 0            # lower bound F0 of F
ETA = 1           # eta, V = (F - F0)**eta (eq. 1)
DT = 2            # time step dt, the largest move of q in one step
DELTA_E = 3       # deltaE, e^E = V(0) (1 + deltaE) (eq. 4)
NU = 4            # nu, size of the generalized bounces (eq. 11)
GAMMA = 5         # gamma, damping of the generalized bounces (eq. 11)
WEIGHT_DECAY = 6  # w_d of the L2 term (eq. 12)
TOL = 7           # stop with success once F - F0 <= tol
RESTORE = 8       # 1.0: restore the energy by rescaling p (eq. 9)
MAXITER = 9       # budget of leapfrog steps
MAXFEV = 10       # budget of objective evaluations
FEV_PER_STEP = 11 # objective evaluations one step costs (n + 1 with finite differences)
BOUNCE_EVERY = 12 # full random bounce every this many steps, 0 = never
E = 13            # the energy E (eq. 3): log(1 + |p|^2) + eta log(F - F0)
LAM = 14          # log of the momentum scale: p = exp(lam) * u
F = 15            # F (with the weight-decay term) at the current q
F_BEST = 16       # F at X_BEST
ENERGY_ERROR = 17      # |E_i - E| of the last step (eq. 8), before any restore
MAX_ENERGY_ERROR = 18  # largest ENERGY_ERROR seen
LOG_KICK = 19     # log(dt eta / 2), the constant part of a half kick's size
BOUNDED = 20      # 1.0: q reflects elastically at LOWER and UPPER
STALL_BOUNCE = 21 # full random bounce after this many steps without a new best, 0 = never
ADAPTIVE_F0 = 22  # 1.0: F0 is hamopt's own lower bound, re-anchored as F_best improves
ANCHOR_F = 23     # F_best when F0 was last re-anchored
ANCHOR_GAP = 24   # F_best - F0 right after that re-anchor
N_HISTORY = 25    # entries (nit, F0) written to the F0 history below
CHECK_F = 26      # F_best at the last progress check of the adaptive F0
N_SLOTS = 27
# ``scalars`` continues with the F0 history: pairs (nit, F0) from scalars[N_SLOTS] on.
HISTORY_CAPACITY = 512

# Slots of ``counters`` (int64).
NIT = 0             # completed leapfrog steps
NFEV = 1            # objective evaluations
NJEV = 2            # gradient evaluations
N_RESTORE_FAILED = 3  # steps where the energy could not be restored (eq. 9: e^E <= V)
STALLED = 4           # steps since the last new best point (or the last stall bounce)
N_STALL_BOUNCES = 5   # stall bounces done
N_REANCHORS = 6       # re-anchors of the adaptive F0
SINCE_CHECK = 7       # steps since the last progress check of the adaptive F0
N_COUNTERS = 8

# Why a step ends the run, returned by the kernels; 0 means "keep going". The
# one table that maps these (and every other way a run ends) to a status and a
# message is hamopt._outcomes.
RUNNING = 0
REACHED_TOL = 1
MAXITER_REACHED = 2
MAXFEV_REACHED = 3
NON_FINITE = 4
BAD_GRADIENT_SHAPE = 5
