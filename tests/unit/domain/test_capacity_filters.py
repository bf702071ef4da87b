from core.domain.capacity import AgentLoad, filter_loads
from core.domain.vocabulary import Availability


def load(name, open_leads, max_capacity, availability=Availability.AVAILABLE, skills=("sales",)):
    return AgentLoad(1, name, "North", frozenset(skills), availability, max_capacity, open_leads)


LOADS = [load("Ana Ruiz", 9, 10), load("Bo Lin", 1, 10, Availability.AWAY, ("spanish",)),
         load("Carla Okafor", 8, 10)]


def test_each_filter_narrows_the_list():
    names = lambda loads: [a.name for a in loads]  # noqa: E731
    assert names(filter_loads(LOADS, availability={"away"})) == ["Bo Lin"]
    assert names(filter_loads(LOADS, skill="spanish")) == ["Bo Lin"]
    assert names(filter_loads(LOADS, high_only=True)) == ["Ana Ruiz", "Carla Okafor"]
    assert names(filter_loads(LOADS, name="  OKA ")) == ["Carla Okafor"]
    assert names(filter_loads(LOADS)) == names(LOADS)
