"""The in-process executor: a zygote (`child`) that forks a child per Python snippet with the mock
in the child itself (`clients` routes its HTTP clients there); other runtimes run as local processes."""
