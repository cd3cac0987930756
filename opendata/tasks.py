"""Work of the open-data app that the task worker does."""

from django_tasks import task

from . import dumps


@task()
def write_open_data() -> dict[str, int]:
    """Write the open-data archive again (after a takedown; the nightly dump does the same)."""
    return dumps.write_dump(dumps.dump_folder())
