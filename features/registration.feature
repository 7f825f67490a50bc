Feature: A person who registers is welcomed by email
  Creating a user is a change too: push-email welcomes the new person and lists the details kept for them, so that
  they can spot a mistake at once.

  Scenario: A newly registered person receives a welcome email listing their details
    When Dora registers, living at "Rua Augusta, 500"
    Then Dora receives a welcome email
    And that email lists the address "Rua Augusta, 500"
    And in the end Dora has received exactly these emails:
      | Welcome, Dora |
