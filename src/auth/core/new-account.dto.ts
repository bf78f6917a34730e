import { IsEmailAddress, IsUsername } from './account-fields';
import { IsNewPassword, IsNotPersonalPassword } from './passwords/password-rules';

// class-validator runs a property's decorators from the bottom up and the form shows the first
// failure, so each field is read from its most basic check (at the bottom) up to its finest.
/** What a new account needs, by the registration's rules (its form adds the confirmation). */
export class NewAccountDto {
  @IsUsername()
  username!: string;

  @IsEmailAddress()
  email!: string;

  @IsNotPersonalPassword()
  @IsNewPassword()
  password!: string;
}
