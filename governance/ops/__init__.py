"""Operations: system checks that concern the machine the app runs on."""
