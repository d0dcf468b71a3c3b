from accounts.roles import Role


def test_the_cast_has_the_roles_it_says(clerk_a, clerk_b, reviewer, leader, outsider, superuser):
    assert clerk_a.role == Role.CLERK and clerk_a.department.code == "agriculture"
    assert clerk_b.role == Role.CLERK and clerk_b.department.code == "ecology"
    assert clerk_a.region.code == clerk_b.region.code == reviewer.region.code == "320404"
    assert reviewer.role == Role.REVIEWER and leader.role == Role.LEADER
    assert outsider.region.code == "320402"
    assert superuser.role == Role.ADMIN
