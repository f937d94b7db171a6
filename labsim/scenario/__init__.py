"""What a user writes down: parameters, rules, policies, presets."""
