"""The Morse-cluster objectives of the benchmark."""
import numpy as np
import pytest
from scipy.optimize import check_grad, minimize

from hamopt.bench import clusters

PHI = (1 + 5 ** 0.5) / 2


def _relaxed(points, potential="morse"):
    family = clusters.POTENTIALS[potential]
    x = family.pair_distance * np.asarray(points, dtype=float).ravel()
    return minimize(family.energy, x, jac=family.gradient, method="BFGS",
                    options=dict(gtol=1e-10)).fun


@pytest.mark.parametrize("potential", ["morse", "lj"])
def test_gradient_matches_the_energy(potential):
    family = clusters.POTENTIALS[potential]
    x = np.random.default_rng(0).uniform(-1.5, 1.5, 3 * 9)
    assert check_grad(family.energy, family.gradient, x) < 1e-5 * np.linalg.norm(
        family.gradient(x))


@pytest.mark.parametrize("potential", ["morse", "lj"])
def test_a_pair_at_the_equilibrium_distance_has_energy_minus_one(potential):
    family = clusters.POTENTIALS[potential]
    pair = np.array([0.0, 0, 0, family.pair_distance, 0, 0])
    assert family.energy(pair) == pytest.approx(-1.0)
    assert np.allclose(family.gradient(pair), 0.0, atol=1e-12)


def _icosahedron():
    """The 12 vertices of a regular icosahedron with unit circumradius."""
    shell = np.array([[0, s1, s2 * PHI] for s1 in (1, -1) for s2 in (1, -1)], dtype=float)
    icosahedron = np.vstack([shell, np.roll(shell, 1, axis=1), np.roll(shell, 2, axis=1)])
    return icosahedron / np.linalg.norm(icosahedron[0])


def test_the_octahedron_and_the_icosahedron_relax_to_the_published_minima():
    octahedron = np.vstack([np.eye(3), -np.eye(3)]) / np.sqrt(2)
    assert _relaxed(octahedron) == pytest.approx(clusters.MINIMA[6], abs=1e-4)
    assert _relaxed(np.vstack([[0, 0, 0], _icosahedron()])) == pytest.approx(
        clusters.MINIMA[13], abs=1e-4)


def test_the_lennard_jones_icosahedron_relaxes_to_the_published_minimum():
    assert _relaxed(np.vstack([[0, 0, 0], _icosahedron()]), "lj") == pytest.approx(
        clusters.LJ_MINIMA[13], abs=1e-5)


@pytest.mark.parametrize("potential, minima", [("morse", clusters.MINIMA),
                                               ("lj", clusters.LJ_MINIMA)])
def test_the_capped_icosahedron_relaxes_to_the_reference_for_14_atoms(potential, minima):
    # Morse's MINIMA[14] comes from long searches (benchmarks/morse_reference.py), not
    # from a table; the 13-atom icosahedron with one atom over a face is a structure
    # built by hand that must land on it (and on the database's value for LJ).
    vertices = _icosahedron()
    face = next((i, j, k) for i in range(12) for j in range(i) for k in range(j)
                if max(np.linalg.norm(vertices[a] - vertices[b])
                       for a, b in ((i, j), (j, k), (i, k))) < 1.1)
    centre = vertices[list(face)].mean(axis=0)
    cap = 1.6 * centre / np.linalg.norm(centre)
    assert _relaxed(np.vstack([[0, 0, 0], vertices, cap]), potential) == pytest.approx(
        minima[14], abs=1e-5)


def test_sizes_parse_ranges_and_steps():
    assert clusters.parse_sizes("5-13") == list(range(5, 14))
    assert clusters.parse_sizes("14-30:2") == [14, 16, 18, 20, 22, 24, 26, 28, 30]
    assert clusters.parse_sizes("20") == [20]


@pytest.mark.parametrize("potential", ["morse", "lj"])
def test_a_benchmark_run_counts_and_reports(potential):
    run = clusters.run_one(5, "lbfgsb", 0, 400, potential=potential)
    assert run.evaluations == 400 and run.dim == 15 and run.function == f"{potential}5"
    assert run.best >= clusters.POTENTIALS[potential].minima[5] - 1e-3
    table = clusters.markdown_table([run], ["lbfgsb"], potential)
    assert f"| 5 | 15 | {clusters.POTENTIALS[potential].minima[5]} |" in table
