"""One blueprint per audience or area: auth, learner, staff, family, admin, speech, main."""
