import { AppException } from '../../core/http/app-exception';

/** A 4xx naming one body field (`body.<name>`), the one error shape every registry uses. */
export const fieldError = (name: string, message: string, code: 'VALIDATION_FAILED' | 'FORBIDDEN' | 'DUPLICATE' = 'VALIDATION_FAILED') =>
  new AppException(code, `${name}: ${message}`, [{ field: `body.${name}`, message }]);
