"""Co-occurrence network of incident factors.

Incident x code matrix (scipy.sparse) -> co-occurrence counts -> association measures with a
one-sided hypergeometric test and Benjamini-Hochberg q-values -> networkx graph of significant
pairs with Louvain communities, centralities and a disparity-filter backbone -> change against a
baseline window. ``analyse`` does all of it in one call.
"""

from nearmiss_lab.months import shift_month
from nearmiss_lab.network.analysis import NetworkResult, analyse
from nearmiss_lab.network.change import emerging_pairs, pair_counts
from nearmiss_lab.network.export import export_network
from nearmiss_lab.network.graph import (
    add_centralities,
    build_graph,
    detect_communities,
    disparity_filter,
)
from nearmiss_lab.network.matrix import (
    IncidenceMatrix,
    cooccurrence_counts,
    incidence_from_indices,
    incidence_matrix,
    incident_codes,
)
from nearmiss_lab.network.measures import (
    benjamini_hochberg,
    get_measure,
    pair_table,
    register_measure,
)

__all__ = [
    "IncidenceMatrix",
    "NetworkResult",
    "add_centralities",
    "analyse",
    "benjamini_hochberg",
    "build_graph",
    "cooccurrence_counts",
    "detect_communities",
    "disparity_filter",
    "emerging_pairs",
    "export_network",
    "get_measure",
    "incidence_from_indices",
    "incidence_matrix",
    "incident_codes",
    "pair_counts",
    "pair_table",
    "register_measure",
    "shift_month",
]
